// The build leaves V8's code cache for the init bundle (scripts/code-cache.mjs); bin/tinit
// compiles from it. A cache that V8 refuses would cost every container start a full compile
// without any error, so it is checked here, under the same Node the build used.
import * as fs from 'fs';
import * as path from 'path';
import { Script } from 'vm';
import Module from 'module';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run';

const bundle = path.join(ROOT, 'dist', 'main.js');

describe('the init bundle code cache', () => {
  it('is not older than the bundle (bin/tinit would ignore it)', () => {
    expect(fs.statSync(`${bundle}.cache`).mtimeMs).toBeGreaterThanOrEqual(fs.statSync(bundle).mtimeMs);
  });

  it('is accepted by this V8 for this bundle', () => {
    const cachedData = fs.readFileSync(`${bundle}.cache`);
    const script = new Script(Module.wrap(fs.readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
    expect(script.cachedDataRejected).toBe(false);
  });

  it('is refused for another source (V8 then compiles as usual)', () => {
    const cachedData = fs.readFileSync(`${bundle}.cache`);
    const script = new Script(Module.wrap(`${fs.readFileSync(bundle, 'utf8')}\n// changed`), { filename: bundle, cachedData });
    expect(script.cachedDataRejected).toBe(true);
  });
});
