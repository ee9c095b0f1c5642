// Time to child exec: from the exec of INIT to the first instruction of the child's main
// (tb-stamp reads CLOCK_MONOTONIC first thing). Bare node's bootstrap is measured the same
// way: from its exec to its first line of user JavaScript (process.hrtime is CLOCK_MONOTONIC).
import path from 'node:path';
import fs from 'node:fs';
import { INITS, ALL_INITS, rotate } from '../lib/inits.mjs';
import { fx } from '../lib/paths.mjs';
import { tmpDir, removeTmp } from '../lib/procs.mjs';
import { sampleMap, rowsFrom, rowOf, check } from '../lib/metric.mjs';
import { launch } from './start.mjs';

const NODE = 'node (exec → first JS)';
const NONE = 'no init (direct exec)';

export default {
  id: 'exec',
  needs: ['tinit', 'tini', 'dumb-init', 'catatonit'],
  async run({ quick, log }) {
    const dir = tmpDir('exec');
    const file = path.join(dir, 'stamp');
    const cmds = new Map([
      ...ALL_INITS.map((n) => [n, INITS[n].wrap([fx('tb-stamp'), file])]),
      [NODE, [process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(file)}, String(process.hrtime.bigint()))`]],
      [NONE, [fx('tb-stamp'), file]],
    ]);
    const reps = quick ? 5 : 30;
    const samples = sampleMap([...cmds.keys()]);
    try {
      for (let rep = 0; rep < reps; rep++) {
        for (const name of rotate([...cmds.keys()], rep)) {
          fs.rmSync(file, { force: true });
          const r = await launch(cmds.get(name));
          const stamp = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').trim()) : NaN;
          samples.get(name).push(r.status === 0 ? (stamp - r.exec) / 1e6 : NaN);
        }
        log(`exec: ${rep + 1}/${reps}`);
      }
    } finally { removeTmp(dir); }
    const rows = rowsFrom(samples);
    return [{
      id: 'exec', title: 'time to child exec', unit: 'ms', better: 'lower', rows,
      refs: { tini: 'tini', node: NODE },
      target: "tinit ≤ node's bootstrap + 5 ms",
      verdict: check(rowOf(rows, 'tinit')?.median, rowOf(rows, NODE)?.median + 5, { unit: ' ms' }),
    }];
  },
};
