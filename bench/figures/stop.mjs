// The docker-stop path: the init is PID 1 of a new PID namespace with one sleeping child.
// tb-stopper (pidfds, from outside) stamps, sends SIGTERM to the init, and stamps when the
// child is gone and when the init has exited. pm2-runtime is included: it is used as PID 1.
import { INITS, ALL_INITS, rotate, pm2Setup } from '../lib/inits.mjs';
import { fx } from '../lib/paths.mjs';
import { start, finish, run, childEnv, procTable, childrenOf, descendants, waitFor, sleep, killTree, removeTmp } from '../lib/procs.mjs';
import { sampleMap, rowsFrom, rowOf, check } from '../lib/metric.mjs';
import { PID1 } from './orphans.mjs';

const PM2 = 'pm2-runtime';
// The floor for any Node PID 1: an idle node, SIGKILLed (no JavaScript runs), until it is gone.
// Most of that is the kernel tearing down its threads and memory, which tinit's exit pays too.
const NODE_FLOOR = 'node (idle), SIGKILL';

export default {
  id: 'stop',
  needs: ['tinit', 'tini', 'dumb-init', 'catatonit', 'pm2', 'unshare'],
  async run({ quick, log }) {
    const names = [...ALL_INITS, PM2, NODE_FLOOR];
    const reps = quick ? 2 : 10;
    const exit = sampleMap(names), gone = sampleMap(names);
    for (let rep = 0; rep < reps; rep++) {
      for (const name of rotate(names, rep)) {
        let argv, env = childEnv(), dir;
        if (name === PM2) {
          const s = pm2Setup([{ name: 'sleeper', script: fx('tb-sleep'), args: ['60'], autorestart: false }]);
          argv = s.argv; env = childEnv(s.env); dir = s.dir;
        } else if (name === NODE_FLOOR) argv = [process.execPath, '-e', 'setInterval(() => {}, 1e9)'];
        else argv = INITS[name].wrap([fx('tb-sleep'), '60']);
        const u = start([...PID1, ...argv], { env });
        try {
          const pids = await waitFor(() => {
            const t = procTable();
            const init = childrenOf(u.pid, t)[0];
            if (name === NODE_FLOOR) return init ? { init, child: 0 } : null;
            const child = init && descendants(init, t).find((p) => t.get(p).comm === 'tb-sleep');
            return child ? { init, child } : null;
          }, 20000);
          if (!pids) throw new Error(`stop: ${name} did not start its child`);
          await sleep(300); // the stop comes long after the start in real life
          const signo = name === NODE_FLOOR ? '9' : '15';
          const r = await run([fx('tb-stopper'), String(pids.init), String(pids.child), signo, '15000'], { timeoutMs: 20000 });
          const m = /^(-?\d+) (-?\d+)$/m.exec(r.stdout);
          if (name !== NODE_FLOOR) gone.get(name).push(m && +m[1] >= 0 ? +m[1] / 1e6 : NaN);
          exit.get(name).push(m && +m[2] >= 0 ? +m[2] / 1e6 : NaN);
          await finish(u, 5000);
        } finally {
          killTree(u.pid);
          if (dir) removeTmp(dir);
        }
      }
      log(`stop: ${rep + 1}/${reps}`);
    }
    const rows = rowsFrom(exit), grows = rowsFrom(gone).filter((r) => r.init !== NODE_FLOOR);
    return [
      {
        id: 'stop', title: 'docker-stop path: SIGTERM → init exit', unit: 'ms', better: 'lower', rows,
        refs: { tini: 'tini' }, target: '≤ 2× tini',
        verdict: check(rowOf(rows, 'tinit')?.median / rowOf(rows, 'tini')?.median, 2, { unit: '×' }),
        notes: [
          `PID 1 of a new PID namespace, one child that dies of SIGTERM; ${reps} runs per init, interleaved`,
          `${NODE_FLOOR}: no child, SIGKILL instead of SIGTERM; the floor for any Node PID 1`,
        ],
      },
      {
        id: 'stop-child', title: 'docker-stop path: SIGTERM → child gone', unit: 'ms', better: 'lower', rows: grows,
        refs: { tini: 'tini' }, target: '(for reference)', verdict: null,
      },
    ];
  },
};
