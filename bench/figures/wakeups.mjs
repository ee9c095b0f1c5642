// Idle wake-ups: voluntary context switches of the init's own process, summed over all its
// threads (/proc/PID/task/*/status), while it supervises one sleeping child. Each switch is a
// sleep after a wake-up; an init that never polls stays at 0.
import { ALL_INITS, rotate } from '../lib/inits.mjs';
import { ctxtSwitches, sleep } from '../lib/procs.mjs';
import { sampleMap, rowsFrom, rowOf, check } from '../lib/metric.mjs';
import { startIdleSet, NODE_IDLE_NAME, PM2 } from '../lib/idle.mjs';

export default {
  id: 'wakeups',
  needs: ['tinit', 'tini', 'dumb-init', 'catatonit', 'pm2'],
  async run({ quick, log }) {
    const names = [...ALL_INITS, NODE_IDLE_NAME, PM2];
    const reps = quick ? 1 : 3;
    const windowMs = quick ? 3000 : 10000;
    const samples = sampleMap(names);
    const threads = {};
    for (let rep = 0; rep < reps; rep++) {
      // Let start-up work (JIT, first GC, pm2's first polls) finish before the window opens.
      const set = await startIdleSet(rotate(names, rep), quick ? 1000 : 3000);
      try {
        const before = new Map(set.members.map((m) => [m.name, ctxtSwitches(m.pid)]));
        await sleep(windowMs);
        for (const m of set.members) {
          const a = before.get(m.name), b = ctxtSwitches(m.pid);
          threads[m.name] = b?.threads;
          samples.get(m.name).push(a && b ? ((b.vol - a.vol) * 10000) / windowMs : NaN);
        }
      } finally { set.stop(); }
      log(`wakeups: ${rep + 1}/${reps}`);
    }
    const rows = rowsFrom(samples, { notes: Object.fromEntries(Object.entries(threads).map(([k, v]) => [k, `${v} threads`])) });
    return [{
      id: 'wakeups', title: `idle wake-ups (per 10 s)`, unit: 'wakeups/10s', better: 'lower', rows,
      refs: { tini: 'tini', node: NODE_IDLE_NAME },
      target: '0 (tini: 1/s)',
      verdict: check(rowOf(rows, 'tinit')?.median, 0, { unit: '' }),
      notes: [`voluntary_ctxt_switches over a ${windowMs / 1000} s window, summed over threads, scaled to 10 s`],
    }];
  },
};
