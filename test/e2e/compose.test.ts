// examples/compose.yaml under docker compose (the v2 plugin when present, else docker-compose):
// both examples built from their Dockerfiles, started, and stopped with compose's SIGTERM.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE, docker, run, STATE } from './engine';
import { logsContain } from './wait';

const PROJECT = `tinit-e2e-${process.pid}`;
const hasPlugin = spawnSync('docker', ['compose', 'version']).status === 0;

function compose(args: string[], timeoutMs = 120_000) {
  const file = path.join(STATE, 'contexts', 'compose.yaml');
  const common = ['-p', PROJECT, '-f', file, ...args];
  const env = { NODE_IMAGE: BASE_IMAGE, TINIT: `./${fs.readFileSync(path.join(STATE, 'tarball'), 'utf8')}` };
  const [cmd, pre] = hasPlugin ? ['docker', ['compose']] : ['docker-compose', []];
  return run('env', [...Object.entries(env).map(([k, v]) => `${k}=${v}`), cmd, ...pre, ...common], { timeoutMs });
}

afterAll(async () => {
  await compose(['down', '--volumes', '--remove-orphans']).catch(() => undefined);
});

describe('examples/compose.yaml', () => {
  it('builds both examples, runs them, and stops both cleanly with exit code 0', async () => {
    const up = await compose(['up', '-d', '--build'], 600_000);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const ids = (await compose(['ps', '-q'])).stdout.trim().split('\n');
    expect(ids).toHaveLength(2);
    const names = await Promise.all(ids.map(async (id) => (await docker(['inspect', '-f', '{{.Name}}', id])).stdout.trim().slice(1)));
    const app = names.find((n) => n.includes('app')) as string;
    const web = names.find((n) => n.includes('web-monitor')) as string;
    await logsContain(app, /listening on port 8080/);
    await logsContain(web, /monitor \| \{"url".*"status":200/);

    const stop = await compose(['stop'], 60_000);
    expect(stop.code, stop.stderr).toBe(0);
    for (const name of [app, web]) {
      expect((await docker(['inspect', '-f', '{{.State.ExitCode}}', name])).stdout.trim(), name).toBe('0');
    }
    expect(await logsContain(app, 'SIGTERM: served')).toMatch(/closing/);
    expect(await logsContain(web, 'all services are down; exiting with 0')).toMatch(/monitor: stopped[\s\S]*web: stopped/);
  });
});
