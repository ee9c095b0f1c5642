// Supervisor RSS: tinit run and pm2-runtime, each with the same 20 sleeping services, idle
// side by side; the supervisor's own tree minus the services.
import { fx } from '../lib/paths.mjs';
import { rotate } from '../lib/inits.mjs';
import { start, waitFor, sleep, killTree, removeTmp, procTable, rssKb } from '../lib/procs.mjs';
import { sampleMap, rowsFrom, rowOf, check, all } from '../lib/metric.mjs';
import { supervisorFor, SUPERVISORS } from '../lib/supervisors.mjs';
import { ownPids, countChildren } from '../lib/idle.mjs';

export const twenty = (argv, extra = {}) => Array.from({ length: 20 }, (_, i) => ({ name: `s${i + 1}`, argv, ...extra }));

export default {
  id: 'sup-rss',
  needs: ['tinit', 'pm2'],
  async run({ quick, log }) {
    const reps = quick ? 1 : 3;
    const samples = sampleMap(SUPERVISORS);
    for (let rep = 0; rep < reps; rep++) {
      const running = [];
      try {
        for (const who of rotate(SUPERVISORS, rep)) {
          const s = supervisorFor(who, twenty([fx('tb-sleep'), '300']), 'suprss');
          running.push({ who, dir: s.dir, ...start(s.argv, { env: s.env }) });
        }
        const ok = await waitFor(() => { const t = procTable(); return running.every((r) => countChildren(r.pid, 'tb-sleep', t) === 20); }, 30000, 50);
        if (!ok) throw new Error('sup-rss: the 20 services did not all start within 30 s');
        await sleep(quick ? 500 : 2000);
        const t = procTable();
        for (const r of running) samples.get(r.who).push(ownPids(r.pid, t).reduce((a, p) => a + (rssKb(p) ?? 0), 0) / 1024);
      } finally {
        for (const r of running) { killTree(r.pid); removeTmp(r.dir); }
      }
      log(`sup-rss: ${rep + 1}/${reps}`);
    }
    const rows = rowsFrom(samples);
    const t = rowOf(rows, 'tinit run')?.median, pm2 = rowOf(rows, 'pm2-runtime')?.median;
    return [{
      id: 'sup-rss', title: 'supervisor RSS, 20 idle services', unit: 'MiB', better: 'lower', rows,
      refs: { other: 'pm2-runtime' }, target: '≤ 60 MB, below pm2-runtime',
      verdict: all(check(t * 1.048576, 60, { unit: ' MB' }), check(t, pm2, { unit: ' MiB', what: 'vs pm2 ' })),
      notes: ['VmRSS of the supervisor\'s tree minus the 20 services (tb-sleep)'],
    }];
  },
};
