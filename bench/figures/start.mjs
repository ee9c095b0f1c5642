// Start overhead: wall time of `INIT -- true`, from the exec of INIT to its exit, against
// `node -e 0`. tb-launch stamps right before execvp and after waitpid, so neither fork nor
// the harness's own spawn is counted.
import { INITS, ALL_INITS, rotate } from '../lib/inits.mjs';
import { fx } from '../lib/paths.mjs';
import { run } from '../lib/procs.mjs';
import { sampleMap, rowsFrom, rowOf, check } from '../lib/metric.mjs';

export const NODE0 = 'node -e 0';
const NONE = 'true (no init)';

/** Runs argv under tb-launch; returns {exec, end, status} in ns (BigInt-safe as Number: ~1e13). */
export async function launch(argv, timeoutMs = 15000) {
  const r = await run([fx('tb-launch'), String(timeoutMs), '--', ...argv], { timeoutMs: timeoutMs + 5000 });
  const m = /^(\d+) (\d+) (-?\d+)$/m.exec(r.stdout);
  if (!m) throw new Error(`tb-launch ${argv.join(' ')}: ${r.stderr || 'no output'}`);
  return { exec: +m[1], end: +m[2], status: +m[3] };
}

export default {
  id: 'start',
  needs: ['tinit', 'tini', 'dumb-init', 'catatonit'],
  async run({ quick, log }) {
    const cmds = new Map([
      ...ALL_INITS.map((n) => [n, INITS[n].wrap(['true'])]),
      [NODE0, [process.execPath, '-e', '0']],
      [NONE, ['true']],
    ]);
    const reps = quick ? 5 : 30;
    const samples = sampleMap([...cmds.keys()]);
    for (const argv of cmds.values()) await launch(argv); // warm the page cache
    for (let rep = 0; rep < reps; rep++) {
      for (const name of rotate([...cmds.keys()], rep)) {
        const r = await launch(cmds.get(name));
        samples.get(name).push(r.status === 0 ? (r.end - r.exec) / 1e6 : NaN);
      }
      log(`start: ${rep + 1}/${reps}`);
    }
    const rows = rowsFrom(samples);
    const node = rowOf(rows, NODE0)?.median;
    return [{
      id: 'start', title: 'start overhead (INIT -- true)', unit: 'ms', better: 'lower', rows,
      refs: { tini: 'tini', node: NODE0 },
      target: 'tinit ≤ node -e 0 + 10 ms',
      verdict: check(rowOf(rows, 'tinit')?.median, node + 10, { unit: ' ms' }),
      notes: [`${reps} runs each, interleaved; wall from the exec of INIT to its exit (tinit is not PID 1 here)`],
    }];
  },
};
