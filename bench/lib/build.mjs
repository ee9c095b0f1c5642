// Compiles bench/fixtures/*.c into bench/.build/ (gitignored) with cc -O2, only when a source
// (or the shared header) is newer than its binary.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BUILD, FIXTURES } from './paths.mjs';

export function buildFixtures(log) {
  fs.mkdirSync(BUILD, { recursive: true });
  const header = fs.statSync(path.join(FIXTURES, 'common.h')).mtimeMs;
  for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.c'))) {
    const src = path.join(FIXTURES, file);
    const out = path.join(BUILD, file.slice(0, -2));
    const built = fs.existsSync(out) ? fs.statSync(out).mtimeMs : 0;
    if (built > fs.statSync(src).mtimeMs && built > header) continue;
    log(`cc -O2 ${path.relative(process.cwd(), src)}`);
    const r = spawnSync('cc', ['-O2', '-Wall', '-o', out, src], { encoding: 'utf8', timeout: 60000 });
    if (r.status !== 0) throw new Error(`compiling ${file} failed:\n${r.stderr || r.error}`);
  }
}
