// RSS: the init's own resident memory (its whole tree minus the child) while it supervises
// one sleeping child, against bare idle node (`node -e 'setInterval(()=>{},1e9)'`).
import { ALL_INITS, rotate } from '../lib/inits.mjs';
import { rssKb, procTable } from '../lib/procs.mjs';
import { sampleMap, rowsFrom, rowOf, check } from '../lib/metric.mjs';
import { startIdleSet, ownPids, NODE_IDLE_NAME, PM2 } from '../lib/idle.mjs';

export default {
  id: 'rss',
  needs: ['tinit', 'tini', 'dumb-init', 'catatonit', 'pm2'],
  async run({ quick, log }) {
    const names = [...ALL_INITS, NODE_IDLE_NAME, PM2];
    const reps = quick ? 1 : 5;
    const samples = sampleMap(names);
    for (let rep = 0; rep < reps; rep++) {
      const set = await startIdleSet(rotate(names, rep), quick ? 300 : 1500);
      try {
        const t = procTable();
        for (const m of set.members) {
          const kb = ownPids(m.pid, t).reduce((s, p) => s + (rssKb(p) ?? 0), 0);
          samples.get(m.name).push(kb / 1024);
        }
      } finally { set.stop(); }
      log(`rss: ${rep + 1}/${reps}`);
    }
    const rows = rowsFrom(samples);
    const node = rowOf(rows, NODE_IDLE_NAME)?.median;
    return [{
      id: 'rss', title: 'RSS, one sleeping child', unit: 'MiB', better: 'lower', rows,
      refs: { tini: 'tini', node: NODE_IDLE_NAME },
      target: '≤ 1.15× idle node',
      verdict: check(rowOf(rows, 'tinit')?.median / node, 1.15, { unit: '×' }),
      notes: ['VmRSS summed over the init\'s process tree minus the child; all members idle side by side'],
    }];
  },
};
