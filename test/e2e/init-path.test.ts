// The single file (npm run build:sea) as dockerd's --init-path: every `docker run --init`
// gets it as /sbin/docker-init, in an image that has no tinit (and no npm package) of its own.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { APP_IMAGE, BASE_IMAGE, docker, SINGLE_FILE, STATE } from './engine';
import { containerNames, exitCode, logsContain, zombies } from './wait';

const name = containerNames();

const RUN = ['run', '--network', 'none', '--init'];

describe('tinit as dockerd --init-path', () => {
  it('docker version and docker info read its version without an error', async () => {
    const version = await docker(['version', '--format', '{{json .Server.Components}}']);
    const components = JSON.parse(version.stdout) as { Name: string; Version: string; Details: { GitCommit: string } }[];
    const init = components.find((c) => c.Name === 'tinit');
    expect(init?.Version).toMatch(/^\d+\.\d+\.\d+_tinit$/);
    expect(init?.Details.GitCommit).toMatch(/^[0-9a-f]{7,}$/);
    const info = await docker(['info']);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(new RegExp(`init version: ${init?.Details.GitCommit}\n`));
    expect(info.stderr).not.toMatch(/init/i);
    expect(fs.readFileSync(path.join(STATE, 'dockerd.log'), 'utf8')).not.toMatch(/failed to (parse|retrieve) .*version/);
  });

  it('is PID 1 and passes the exit code on', async () => {
    const r = await docker([...RUN, '--rm', BASE_IMAGE, 'sh', '-c', 'tr "\\0" " " < /proc/1/cmdline; exit 3']);
    expect(r.stdout).toMatch(/^\/sbin\/docker-init -- sh -c/);
    expect(r.code).toBe(3);
  });

  it('reaps orphans', async () => {
    const c = name('init-orphans');
    await docker([...RUN, '-d', '--name', c, BASE_IMAGE, 'sh', '-c', 'for i in 1 2 3; do (sleep 0.2 &); done; echo made; exec sleep 1000']);
    await logsContain(c, 'made');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await zombies(c)).toEqual([]);
  });

  it('tinit doctor in the container names it and passes every check', async () => {
    const r = await docker([...RUN, '--rm', '--entrypoint', 'tinit', APP_IMAGE, 'doctor', '--json']);
    const report = JSON.parse(r.stdout) as { pid1: { kind: string; name: string }; checks: { id: string; verdict: string }[]; ok: boolean };
    expect(report.pid1).toMatchObject({ kind: 'init', name: 'tinit (docker --init)' });
    expect(report.checks.filter((c) => c.verdict !== 'pass')).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('docker stop: 143, promptly', async () => {
    const c = name('init-stop');
    // Started, and past Node's start-up: a TERM before tinit's first line is lost (README).
    await docker([...RUN, '-d', '--name', c, BASE_IMAGE, 'sh', '-c', 'echo ready; exec sleep 1000']);
    await logsContain(c, 'ready');
    const stop = await docker(['stop', c], { timeoutMs: 20_000 });
    expect(stop.ms).toBeLessThan(8_000);
    expect(await exitCode(c)).toBe(143);
  });

  it("is not hijacked by the container's NODE_OPTIONS or NODE_DEBUG, and hands them on unchanged", async () => {
    const r = await docker([
      ...RUN, '--rm', '-e', 'NODE_OPTIONS=--inspect --require /nonexistent.js', '-e', 'NODE_DEBUG=child_process,net', '-e', 'NODE_UNIQUE_ID=7',
      BASE_IMAGE, 'sh', '-c', 'echo "[$NODE_OPTIONS] [$NODE_DEBUG] [$NODE_UNIQUE_ID]"; env | grep -c TINIT_ || true',
    ]);
    expect(r.stderr).toBe('');
    // NODE_UNIQUE_ID is one Node deletes from process.env at start-up: it must still arrive.
    expect(r.stdout).toBe('[--inspect --require /nonexistent.js] [child_process,net] [7]\n0\n');
    expect(r.code).toBe(0);
  });

  it('says clearly that a read-only container has no place for its addon, and works with an exec tmpfs', async () => {
    const ro = await docker([...RUN, '--rm', '--read-only', BASE_IMAGE, 'true']);
    expect(ro.code).toBe(1);
    expect(ro.stderr).toMatch(/^tinit: cannot load the embedded addon: .*\/tmp read-only.*\/dev\/shm mounted noexec.*TINIT_ADDON_DIR\n$/);
    const tmpfs = await docker([...RUN, '--rm', '--read-only', '--tmpfs', '/tmp:exec', BASE_IMAGE, 'sh', '-c', 'echo ok; ls -A /tmp']);
    expect(tmpfs.stdout).toBe('ok\n');
    expect(tmpfs.code).toBe(0);
  });
});

describe('the single file on its own', () => {
  it('leaves nothing in its addon directory, even when killed as it starts', async () => {
    const dir = fs.mkdtempSync(path.join(STATE, 'addon-'));
    const env = { ...process.env, TINIT_ADDON_DIR: dir };
    const once = (killAfterMs: number | null) =>
      new Promise<void>((resolve) => {
        const child = spawn(SINGLE_FILE, ['-s', '--', 'true'], { env, stdio: 'ignore' });
        const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        child.on('exit', () => {
          if (timer) clearTimeout(timer);
          resolve();
        });
      });
    await once(null);
    // Kills spread over Node's start-up, where the addon is written and loaded.
    for (let i = 0; i < 100; i++) await once(i);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
