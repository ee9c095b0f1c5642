// Restart after a crash with zero backoff: tb-crash stamps "S" at the start of main, runs
// 20 ms, stamps "E" and exits 1. Latency = the next start stamp - the previous exit stamp
// (exit, reap, spawn, exec, up to the new process's main).
import fs from 'node:fs';
import path from 'node:path';
import { fx } from '../lib/paths.mjs';
import { rotate } from '../lib/inits.mjs';
import { start, waitFor, killTree, removeTmp, tmpDir } from '../lib/procs.mjs';
import { sampleMap, rowsFrom, rowOf, check } from '../lib/metric.mjs';
import { supervisorFor, SUPERVISORS } from '../lib/supervisors.mjs';

function readStamps(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(' ')).filter((f) => f.length === 3)
    .map(([k, pid, ns]) => ({ k, pid: +pid, ns: +ns })).sort((a, b) => a.ns - b.ns);
}

export function restartLatencies(stamps) {
  const out = [];
  for (let i = 0; i < stamps.length; i++) {
    if (stamps[i].k !== 'E') continue;
    const next = stamps.slice(i + 1).find((s) => s.k === 'S' && s.pid !== stamps[i].pid);
    if (next) out.push((next.ns - stamps[i].ns) / 1e6);
  }
  return out;
}

export default {
  id: 'restart',
  needs: ['tinit', 'pm2'],
  async run({ quick, log }) {
    const reps = quick ? 1 : 3;
    const restarts = quick ? 10 : 100;
    const samples = sampleMap(SUPERVISORS);
    const notes = {};
    for (let rep = 0; rep < reps; rep++) {
      for (const who of rotate(SUPERVISORS, rep)) {
        const stampDir = tmpDir('restart-stamps');
        const file = path.join(stampDir, 'stamps');
        const svc = [{
          name: 'crash', argv: [fx('tb-crash'), file, '20'],
          tinit: { restart: 'always', backoff: { initial: 0, factor: 1, max: 0, jitter: 0 }, crash_loop: { max_failures: 1000000, window: '1s' } },
          pm2: { autorestart: true, restart_delay: 0, max_restarts: 1000000, min_uptime: 0 },
        }];
        const cfg = supervisorFor(who, svc, 'restart');
        const p = start(cfg.argv, { env: cfg.env });
        try {
          const ok = await waitFor(() => readStamps(file).filter((x) => x.k === 'S').length > restarts, quick ? 15000 : 30000, 50);
          const lat = restartLatencies(readStamps(file));
          if (!ok) notes[who] = `only ${lat.length} restarts within the deadline`;
          samples.get(who).push(...lat);
        } finally { killTree(p.pid); removeTmp(cfg.dir); removeTmp(stampDir); }
        log(`restart: ${who} (${rep + 1}/${reps})`);
      }
    }
    const rows = rowsFrom(samples, { p99: true, notes });
    return [{
      id: 'restart', title: 'restart after crash, zero backoff', unit: 'ms', better: 'lower', rows,
      refs: { other: 'pm2-runtime' }, target: '≤ 5 ms',
      verdict: check(rowOf(rows, 'tinit run')?.median, 5, { unit: ' ms' }),
      notes: [`exit stamp → next start stamp of a service that crashes after 20 ms; ${restarts} restarts × ${reps} per supervisor`],
    }];
  },
};
