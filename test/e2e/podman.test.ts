// The single file as podman's --init-path: `podman run --init` bind-mounts it as
// /run/podman-init, in an image with no tinit of its own. Rootful podman with its own storage
// under this run's state directory; skipped with a notice where podman is not installed.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE_TREE, run, SINGLE_FILE, STATE } from './engine';

const installed = spawnSync('sh', ['-c', 'command -v podman']).status === 0;
const STORE = ['--root', path.join(STATE, 'podman', 'root'), '--runroot', path.join(STATE, 'podman', 'run'), '--storage-driver', 'vfs', '--cgroup-manager', 'cgroupfs', '--events-backend', 'file'];
const IMAGE = 'tinit-e2e-podman-base';
// podman asks for its own open-files and process limits (1048576 and more), which a sandbox's
// hard limits may refuse; lowering a limit is always allowed.
const RUN = ['run', '--rm', '--network', 'none', '--ulimit', 'nofile=4096:4096', '--ulimit', 'nproc=4096:4096', '--init', '--init-path', SINGLE_FILE];

const podman = (args: string[], timeoutMs = 60_000) => run('podman', [...STORE, ...args], { timeoutMs });

describe.skipIf(!installed)('tinit as podman --init-path', () => {
  beforeAll(async () => {
    const r = await run('sh', ['-c', `tar -C '${BASE_TREE}' -c . | podman ${STORE.join(' ')} import - ${IMAGE}`], { timeoutMs: 300_000 });
    expect(r.code, r.stderr).toBe(0);
  }, 300_000);

  it('is PID 1 as /run/podman-init and passes the exit code on', async () => {
    const r = await podman([...RUN, IMAGE, 'sh', '-c', 'tr "\\0" " " < /proc/1/cmdline; exit 3']);
    expect(r.stdout, r.stderr).toMatch(/^\/run\/podman-init -- sh -c/);
    expect(r.code, r.stderr).toBe(3);
  });

  it("reaps orphans, and the container's NODE_OPTIONS reaches the child only", async () => {
    const script = 'for i in 1 2 3; do (sleep 0.2 &); done; sleep 1; z=0; for f in /proc/[0-9]*/stat; do case "$(cat $f 2>/dev/null)" in *") Z "*) z=$((z+1));; esac; done; echo "zombies=$z [$NODE_OPTIONS]"';
    const r = await podman([...RUN, '-e', 'NODE_OPTIONS=--inspect', IMAGE, 'sh', '-c', script]);
    expect(r.stdout).toBe('zombies=0 [--inspect]\n');
    expect(r.code, r.stderr).toBe(0);
  });
});
