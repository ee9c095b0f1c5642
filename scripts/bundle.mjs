// The esbuild bundles: `npm run build` makes dist/main.js (the init) and dist/extras.js (the
// subcommands, loaded only for one); build-sea.mjs makes the single file's one bundle.
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// commander requires node:child_process when it loads, for executable subcommands, which tinit
// does not use. Loading child_process pulls in net, dgram and the streams: about 3 ms at every
// container start (bench/). commander gets a stand-in that loads it on first use.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes(`${path.sep}node_modules${path.sep}commander${path.sep}`) ? { path: 'child_process', namespace: 'lazy' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  plugins: [lazyChildProcess],
};

/** dist/main.js and dist/extras.js. */
export function buildDist() {
  return esbuild.build({
    ...common,
    entryPoints: ['src/main.ts', 'src/cli/extras.ts'],
    outdir: 'dist',
    entryNames: '[name]',
    define: { TINIT_SINGLE_FILE: 'false' },
  });
}

/** One file for the single executable, with the commit for --version. */
export function buildSingleFileBundle(outfile, commit) {
  return esbuild.build({
    ...common,
    entryPoints: ['src/sea/entry.ts'],
    outfile,
    define: { TINIT_SINGLE_FILE: 'true', TINIT_GIT_COMMIT: JSON.stringify(commit) },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildDist();
  await import('./code-cache.mjs');
}
