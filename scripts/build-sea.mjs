// npm run build:sea: tinit as one executable file (Node's single executable applications), for
// dockerd --init-path and podman --init-path. Output: dist-sea/tinit (~100 MB: this machine's
// node binary with the bundle and the addon inside). See README "One file for --init-path".
//
// Steps: bundle src/sea/entry.ts; make the SEA blob with the addon and licence as assets; copy
// node and rename the start-up variables it reads (rename-env.mjs); inject the blob (postject);
// then check the result runs, also with a hostile NODE_OPTIONS.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSingleFileBundle } from './bundle.mjs';
import { REQUIRED, renameEnvironmentNames } from './rename-env.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist-sea');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

/** Runs a step; its output is shown only when it fails. */
function quietly(file, args) {
  try {
    execFileSync(file, args, { cwd: root, stdio: 'pipe' });
  } catch (err) {
    process.stderr.write(`${err.stdout ?? ''}${err.stderr ?? ''}`);
    fail(`${path.basename(file)} failed`);
  }
}

function fail(message) {
  process.stderr.write(`build:sea: ${message}\n`);
  process.exit(1);
}

const addon = ['build/Release/tinit.node', 'native/build/Release/tinit.node'].map((p) => path.join(root, p)).find((p) => fs.existsSync(p));
if (!addon) fail('the addon is not built (npm install, or npm run build:cmake)');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out);

// The commit goes into --version (" - git.<commit>"), which docker info shows as "init version".
let commit = '';
try {
  commit = execFileSync('git', ['rev-parse', '--short=7', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
} catch {
  // not a git checkout: the version line has no commit
}
await buildSingleFileBundle(path.join(out, 'entry.js'), commit);

const config = {
  main: path.join(out, 'entry.js'),
  output: path.join(out, 'sea.blob'),
  disableExperimentalSEAWarning: true,
  useCodeCache: true,
  assets: { 'tinit.node': addon, LICENSE: path.join(root, 'LICENSE') },
};
fs.writeFileSync(path.join(out, 'sea-config.json'), JSON.stringify(config, null, 2));
quietly(process.execPath, ['--experimental-sea-config', path.join(out, 'sea-config.json')]);

const node = fs.readFileSync(process.execPath);
const fuse = /NODE_SEA_FUSE_[0-9a-f]{32}/.exec(node.toString('latin1'));
if (!fuse) fail(`${process.execPath} has no SEA fuse: it cannot become a single executable`);
const renamed = renameEnvironmentNames(node);
const missing = REQUIRED.filter((name) => renamed[name] !== 1);
if (missing.length > 0) fail(`could not rename ${missing.join(', ')} in ${process.execPath} exactly once: this Node stores them differently`);
const target = path.join(out, 'tinit');
fs.writeFileSync(target, node, { mode: 0o755 });

// postject warns about note sections it cannot name; harmless, so shown only on failure.
quietly(bin('postject'), [target, 'NODE_SEA_BLOB', config.output, '--sentinel-fuse', fuse[0]]);
for (const temp of ['sea.blob', 'entry.js', 'sea-config.json']) fs.rmSync(path.join(out, temp));

// The file must start, and a container's NODE_OPTIONS must not stop it (node refuses to start
// on "--inspect is not allowed in NODE_OPTIONS" unless the rename worked).
const hostile = { ...process.env, NODE_OPTIONS: '--inspect --require /nonexistent.js', NODE_EXTRA_CA_CERTS: '/nonexistent.pem' };
const version = execFileSync(target, ['--version'], { env: hostile, encoding: 'utf8' }).trim();
execFileSync(target, ['-s', '--', 'true'], { env: hostile });
const size = (fs.statSync(target).size / 1e6).toFixed(0);
process.stdout.write(`${path.relative(root, target)}: ${version}, ${size} MB\n`);
