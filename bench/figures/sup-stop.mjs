// Supervisor stop: 20 services that each need 1 s to stop (tb-slowstop, which takes SIGTERM
// or SIGINT, pm2's default); wall time from SIGTERM to the supervisor's exit (tb-stopper).
import { fx } from '../lib/paths.mjs';
import { rotate } from '../lib/inits.mjs';
import { start, finish, run, waitFor, sleep, killTree, removeTmp, procTable } from '../lib/procs.mjs';
import { sampleMap, rowsFrom, rowOf, check } from '../lib/metric.mjs';
import { supervisorFor, SUPERVISORS } from '../lib/supervisors.mjs';
import { countChildren } from '../lib/idle.mjs';
import { twenty } from './sup-rss.mjs';

export default {
  id: 'sup-stop',
  needs: ['tinit', 'pm2'],
  async run({ quick, log }) {
    const reps = quick ? 1 : 5;
    const samples = sampleMap(SUPERVISORS);
    for (let rep = 0; rep < reps; rep++) {
      for (const who of rotate(SUPERVISORS, rep)) {
        const s = supervisorFor(who, twenty([fx('tb-slowstop'), '1000'], { pm2: { autorestart: false } }), 'supstop');
        const p = start(s.argv, { env: s.env });
        try {
          const ok = await waitFor(() => countChildren(p.pid, 'tb-slowstop', procTable()) === 20, 30000, 50);
          if (!ok) throw new Error(`sup-stop: ${who} did not start 20 services within 30 s`);
          await sleep(500); // every service has its handler in place and counts as started
          const r = await run([fx('tb-stopper'), String(p.pid), '0', '15', '20000'], { timeoutMs: 25000 });
          const m = /^(-?\d+) (-?\d+)$/m.exec(r.stdout);
          samples.get(who).push(m && +m[2] >= 0 ? +m[2] / 1e9 : NaN);
          await finish(p, 5000);
        } finally { killTree(p.pid); removeTmp(s.dir); }
        log(`sup-stop: ${who} (${rep + 1}/${reps})`);
      }
    }
    const rows = rowsFrom(samples);
    return [{
      id: 'sup-stop', title: 'supervisor stop, 20 services × 1 s', unit: 's', better: 'lower', rows,
      refs: { other: 'pm2-runtime' }, target: '≤ 1.2 s',
      verdict: check(rowOf(rows, 'tinit run')?.median, 1.2, { unit: ' s' }),
    }];
  },
};
