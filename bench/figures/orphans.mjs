// Orphan storm: the init is PID 1 of a new PID namespace; its child (tb-orphans) leaves N
// orphans that all exit at once. Time to zero zombies runs from their release to the moment
// no pid is left; drain runs from the last orphan's own exit stamp to that moment.
import { INITS, ALL_INITS, rotate } from '../lib/inits.mjs';
import { fx } from '../lib/paths.mjs';
import { run } from '../lib/procs.mjs';
import { sampleMap, rowsFrom, rowOf, check, all } from '../lib/metric.mjs';

export const PID1 = ['unshare', '--pid', '--fork', '--mount-proc'];

export default {
  id: 'orphans',
  needs: ['tinit', 'tini', 'dumb-init', 'catatonit', 'unshare'],
  async run({ quick, log }) {
    const n = quick ? 1000 : 5000;
    const reps = quick ? 1 : 7;
    const zero = sampleMap(ALL_INITS), drain = sampleMap(ALL_INITS);
    const left = Object.fromEntries(ALL_INITS.map((x) => [x, 0]));
    for (let rep = 0; rep < reps; rep++) {
      for (const name of rotate(ALL_INITS, rep)) {
        const r = await run([...PID1, ...INITS[name].wrap([fx('tb-orphans'), String(n), '10000'])], { timeoutMs: 60000 });
        const m = /^(\d+) (\d+) (\d+) (\d+) (\d+)$/m.exec(r.stdout);
        if (!m || +m[4] === 0) {
          left[name] += m ? +m[5] : n;
          zero.get(name).push(NaN); drain.get(name).push(NaN);
          continue;
        }
        const [released, last, z] = [+m[2], +m[3], +m[4]];
        zero.get(name).push((z - released) / 1e6);
        drain.get(name).push((z - last) / 1e6);
      }
      log(`orphans: ${rep + 1}/${reps}`);
    }
    const notes = Object.fromEntries(Object.entries(left).filter(([, v]) => v).map(([k, v]) => [k, `${v} NOT reaped`]));
    const zr = rowsFrom(zero, { p99: false, notes }), dr = rowsFrom(drain);
    const t = rowOf(zr, 'tinit'), tini = rowOf(zr, 'tini');
    return [
      {
        id: 'orphans', title: `orphan storm (${n}): time to zero zombies`, unit: 'ms', better: 'lower', rows: zr,
        refs: { tini: 'tini' }, target: 'all reaped; ≤ 1.1× tini',
        verdict: all({ met: !left.tinit, detail: left.tinit ? `${left.tinit} not reaped` : 'all reaped' }, check(t?.median / tini?.median, 1.1, { unit: '×' })),
        notes: [`unshare --pid --fork --mount-proc INIT -- tb-orphans ${n}; ${reps} runs per init, interleaved; from the release of the orphans to no pid left`],
      },
      {
        id: 'orphans-drain', title: 'orphan storm: drain after last exit', unit: 'ms', better: 'lower', rows: dr,
        refs: { tini: 'tini' }, target: '≤ 50 ms',
        verdict: check(rowOf(dr, 'tinit')?.median, 50, { unit: ' ms' }),
      },
    ];
  },
};
