// dist/main.js.cache: V8's code cache for the init bundle, so bin/tinit does not compile it at
// every container start (Node 20 has no compile cache of its own for this). Made by one real
// run of `tinit -s -- true` under this Node, after it ran, so that it also holds the functions
// that run compiled. V8 refuses a cache made by another V8 or for a source of another length,
// and bin/tinit refuses one older than the bundle; either way it then compiles as usual.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The training run: the bundle loaded as bin/tinit loads it, with the addon's exitNow wrapped
// to write the cache just before tinit ends.
const train = `
const fs = require('fs'), vm = require('vm'), path = require('path'), Module = require('module');
const file = ${JSON.stringify(path.join(root, 'dist', 'main.js'))};
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file });
const real = Module.createRequire(file);
const requireForTraining = (id) => {
  const loaded = real(id);
  if (!id.endsWith('.node')) return loaded;
  return { ...loaded, exitNow(code) { fs.writeFileSync(file + '.cache', script.createCachedData()); loaded.exitNow(code); } };
};
const module = { exports: {} };
script.runInThisContext()(module.exports, requireForTraining, module, file, path.dirname(file));
`;
execFileSync(process.execPath, ['--no-warnings', '-e', train, '--', 'tinit', '-s', '--', 'true'], { cwd: root, stdio: 'inherit' });
