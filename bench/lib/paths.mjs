// Where things are. Everything is resolved from this file so `node bench/run.mjs` works from
// any working directory.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.resolve(BENCH, '..');
export const BUILD = path.join(BENCH, '.build');
export const FIXTURES = path.join(BENCH, 'fixtures');
export const TINIT = path.join(ROOT, 'bin', 'tinit');
export const PM2_RUNTIME = path.join(BENCH, 'node_modules', '.bin', 'pm2-runtime');

/** Path of a compiled fixture (bench/fixtures/NAME.c → bench/.build/NAME). */
export const fx = (name) => path.join(BUILD, name);
