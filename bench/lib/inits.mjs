// The inits compared, and how each wraps a command. Figures pick the ones that apply.
import fs from 'node:fs';
import path from 'node:path';
import { TINIT, PM2_RUNTIME } from './paths.mjs';
import { tmpDir } from './procs.mjs';

/** @typedef {{name:string, wrap:(cmd:string[])=>string[], needs:string}} Init */

/** @type {Record<string, Init>} */
export const INITS = {
  tinit: { name: 'tinit', needs: 'tinit', wrap: (cmd) => [TINIT, '--', ...cmd] },
  tini: { name: 'tini', needs: 'tini', wrap: (cmd) => ['tini', '--', ...cmd] },
  'dumb-init': { name: 'dumb-init', needs: 'dumb-init', wrap: (cmd) => ['dumb-init', '--', ...cmd] },
  catatonit: { name: 'catatonit', needs: 'catatonit', wrap: (cmd) => ['catatonit', '--', ...cmd] },
};
export const C_INITS = ['tini', 'dumb-init', 'catatonit'];
export const ALL_INITS = ['tinit', ...C_INITS];

/** Bare Node, the floor any Node-based init stands on. */
export const NODE_IDLE = [process.execPath, '-e', 'setInterval(()=>{},1e9)'];

/**
 * pm2-runtime with an ecosystem file of `apps`, in its own PM2_HOME (a temp dir, removed at
 * the end). Log files go to /dev/null: tinit writes none, and 1 GB of logs should not land on
 * the disk of whoever runs the bench. Returns the argv and the environment to start it with.
 * @param {object[]} apps pm2 app objects (script + args, interpreter none)
 */
export function pm2Setup(apps, tag = 'pm2') {
  const dir = tmpDir(tag);
  const eco = path.join(dir, 'ecosystem.json');
  const full = apps.map((a) => ({ interpreter: 'none', out_file: '/dev/null', error_file: '/dev/null', ...a }));
  fs.writeFileSync(eco, JSON.stringify({ apps: full }, null, 1));
  return { argv: [PM2_RUNTIME, eco], env: { PM2_HOME: path.join(dir, 'home') }, dir };
}

/** A round-robin order for repetition `rep`: every init goes first equally often. */
export function rotate(list, rep) {
  const k = rep % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}
