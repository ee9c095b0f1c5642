// npm install: use the addon built for this platform that the package carries (prebuilds/,
// made by `npm pack`), so images without a compiler (node:20-slim) install tinit as they are;
// build it from source with node-gyp when there is none or it does not load here (another
// architecture, an older glibc).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const prebuilt = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'tinit.node');

// A checkout of the sources (src/ is not in the package) always builds: a prebuilt addon left
// there by `npm pack` may be older than the native sources beside it.
if (fs.existsSync(prebuilt) && !fs.existsSync(path.join(root, 'src'))) {
  try {
    createRequire(import.meta.url)(prebuilt);
    process.exit(0);
  } catch (err) {
    process.stderr.write(`tinit: the prebuilt addon does not load here (${err.message.split('\n')[0]}); building from source\n`);
  }
}

// Node's own headers, never a download: npm_config_nodedir when set, else the running Node's.
const nodedir = process.env.npm_config_nodedir || path.resolve(process.execPath, '..', '..');
const gyp = process.env.npm_config_node_gyp;
const [file, args] = gyp ? [process.execPath, [gyp]] : ['node-gyp', []];
const r = spawnSync(file, [...args, 'rebuild', `--nodedir=${nodedir}`], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
