// tinit run and pm2-runtime, each given the same services.
import fs from 'node:fs';
import path from 'node:path';
import { TINIT } from './paths.mjs';
import { pm2Setup } from './inits.mjs';
import { tmpDir, childEnv } from './procs.mjs';

export const SUPERVISORS = ['tinit run', 'pm2-runtime'];

/**
 * @param {'tinit run'|'pm2-runtime'} who
 * @param {{name:string, argv:string[], tinit?:object, pm2?:object}[]} services  extra keys per side
 * @returns {{argv:string[], env:object, dir:string}}
 */
export function supervisorFor(who, services, tag) {
  if (who === 'pm2-runtime') {
    const s = pm2Setup(services.map((x) => ({ name: x.name, script: x.argv[0], args: x.argv.slice(1), ...x.pm2 })), tag);
    return { argv: s.argv, env: childEnv(s.env), dir: s.dir };
  }
  // JSON is valid YAML, and tinit accepts it: no quoting to get wrong.
  const dir = tmpDir(tag);
  const file = path.join(dir, 'tinit.yaml');
  const cfg = { services: Object.fromEntries(services.map((x) => [x.name, { command: x.argv, ...x.tinit }])) };
  fs.writeFileSync(file, JSON.stringify(cfg, null, 1));
  return { argv: [TINIT, 'run', '-f', file], env: childEnv(), dir };
}
