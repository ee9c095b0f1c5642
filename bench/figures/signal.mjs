// Signal forward latency: tb-sigsend stamps right before kill(INIT, SIGUSR1); the child's
// handler (tb-sigsink) stamps on arrival and sends the stamp back over a FIFO, which is also
// the acknowledgement, so signals never overlap. A quiet gap between signals lets the init go
// back to sleep each time, as between real signals.
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { INITS, ALL_INITS, rotate } from '../lib/inits.mjs';
import { fx } from '../lib/paths.mjs';
import { start, finish, run, tmpDir, removeTmp, killTree } from '../lib/procs.mjs';
import { sampleMap, rowsFrom, rowOf, check, all } from '../lib/metric.mjs';

const SIG = os.constants.signals.SIGUSR1;

export default {
  id: 'signal',
  needs: ['tinit', 'tini', 'dumb-init', 'catatonit'],
  async run({ quick, log }) {
    const n = quick ? 50 : 500;
    const reps = quick ? 1 : 3;
    const gapUs = 1000;
    const samples = sampleMap(ALL_INITS);
    const lost = Object.fromEntries(ALL_INITS.map((x) => [x, 0]));
    const dir = tmpDir('signal');
    try {
      for (let rep = 0; rep < reps; rep++) {
        for (const name of rotate(ALL_INITS, rep)) {
          const fifo = path.join(dir, `fifo-${rep}-${name}`);
          if (spawnSync('mkfifo', [fifo]).status !== 0) throw new Error('mkfifo failed');
          const init = start(INITS[name].wrap([fx('tb-sigsink'), fifo, String(SIG), String(n)]));
          try {
            const r = await run([fx('tb-sigsend'), String(init.pid), String(SIG), String(n), fifo, String(gapUs)], { timeoutMs: 60000 });
            for (const line of r.stdout.trim().split('\n')) {
              if (/^\d+$/.test(line)) samples.get(name).push(Number(line) / 1e6);
              else lost[name]++;
            }
            await finish(init, 5000);
          } finally { killTree(init.pid); }
        }
        log(`signal: ${rep + 1}/${reps}`);
      }
    } finally { removeTmp(dir); }
    const notes = Object.fromEntries(Object.entries(lost).filter(([, v]) => v).map(([k, v]) => [k, `${v} lost`]));
    const rows = rowsFrom(samples, { p99: true, notes });
    const t = rowOf(rows, 'tinit'), tini = rowOf(rows, 'tini');
    return [{
      id: 'signal', title: 'signal forward latency', unit: 'ms', better: 'lower', rows,
      refs: { tini: 'tini' },
      target: 'median ≤ 2× tini, p99 ≤ 1 ms',
      verdict: all(
        check(t?.median / tini?.median, 2, { unit: '×', what: 'median ' }),
        check(t?.p99, 1, { unit: ' ms', what: 'p99 ' }),
        { met: lost.tinit ? false : true, detail: lost.tinit ? `${lost.tinit} lost` : 'none lost' },
      ),
      notes: [`${n} SIGUSR1 per init per repetition × ${reps}, ${gapUs} µs apart; sender stamp → child handler stamp`],
    }];
  },
};
