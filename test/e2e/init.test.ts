// tinit as a container's ENTRYPOINT (examples/docker/Dockerfile, installed from the npm
// tarball): what users see through docker run, stop, kill and top.
import { spawn } from 'child_process';
import { describe, expect, it } from 'vitest';
import { APP_IMAGE, docker, SOCKET } from './engine';
import { containerNames, exitCode, logsContain, zombies } from './wait';

const name = containerNames();

/** Every container runs without a network: the engine here has none to give. */
const RUN = ['run', '--network', 'none'];

describe('exit codes through docker run', () => {
  it.each([
    ['exit 0', 0],
    ['exit 3', 3],
    ['kill -KILL $$', 137],
    ['kill -TERM $$', 143],
  ])('sh -c %j gives %i', async (script, code) => {
    const r = await docker([...RUN, '--rm', APP_IMAGE, 'sh', '-c', script]);
    expect(r.code, r.stderr).toBe(code);
  });

  it('127 with a one-line error for a program that does not exist', async () => {
    const r = await docker([...RUN, '--rm', APP_IMAGE, 'no-such-program']);
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/no-such-program/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('docker stop', () => {
  it('returns promptly with 143 for a child that does not trap SIGTERM', async () => {
    const c = name('stop');
    // Started, and past Node's start-up: a TERM before tinit's first line is lost (README).
    await docker([...RUN, '-d', '--name', c, APP_IMAGE, 'sh', '-c', 'echo ready; exec sleep 1000']);
    await logsContain(c, 'ready');
    const stop = await docker(['stop', c], { timeoutMs: 20_000 });
    expect(stop.code).toBe(0);
    // Docker's own timeout is 10 s; an init that dropped the TERM would take all of it.
    expect(stop.ms).toBeLessThan(8_000);
    expect(await exitCode(c)).toBe(143);
  });

  it('lets the Node app shut down cleanly: it gets the TERM, finishes, exits 0', async () => {
    const c = name('app');
    await docker([...RUN, '-d', '--name', c, APP_IMAGE]);
    await logsContain(c, /listening on port 8080/);
    await docker(['stop', c], { timeoutMs: 20_000 });
    expect(await exitCode(c)).toBe(0);
    expect(await logsContain(c, 'SIGTERM: served')).toMatch(/closing/);
  });
});

describe('signals and zombies', () => {
  it('docker kill -s USR1 reaches the app', async () => {
    const c = name('usr1');
    await docker([...RUN, '-d', '--name', c, APP_IMAGE, 'sh', '-c', 'trap "echo got USR1" USR1; echo ready; while :; do sleep 0.1; done']);
    await logsContain(c, 'ready');
    expect((await docker(['kill', '-s', 'USR1', c])).code).toBe(0);
    await logsContain(c, 'got USR1');
  });

  const ORPHANS = 'for i in 1 2 3 4 5; do (sleep 0.2 &); done; echo made; exec sleep 1000';

  it('leaves no zombie in the container after the child orphans processes', async () => {
    const c = name('orphans');
    await docker([...RUN, '-d', '--name', c, APP_IMAGE, 'sh', '-c', ORPHANS]);
    await logsContain(c, 'made');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await zombies(c)).toEqual([]);
    // tinit's own view from inside agrees: every process, none a zombie.
    const ps = JSON.parse((await docker(['exec', c, 'tinit', 'ps', '--json'])).stdout) as { processes: { state: string; comm: string }[] };
    expect(ps.processes.map((p) => p.comm)).toContain('sleep');
    expect(ps.processes.filter((p) => p.state === 'Z')).toEqual([]);
  });

  it('(the same container with sh as PID 1 keeps them as zombies)', async () => {
    const c = name('no-init');
    await docker([...RUN, '-d', '--name', c, '--entrypoint', 'sh', APP_IMAGE, '-c', ORPHANS]);
    await logsContain(c, 'made');
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await zombies(c)).length).toBe(5);
  });
});

describe('a terminal', () => {
  it('docker run -it, then Ctrl-C, gives 130', async () => {
    // script(1) gives the docker client a terminal; Ctrl-C travels as a byte to the container's
    // terminal, whose line discipline sends SIGINT to the foreground group: tinit's child.
    const command = `docker ${RUN.join(' ')} --rm -it ${APP_IMAGE} sh -c 'echo ready; sleep 1000'`;
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      env: { ...process.env, DOCKER_HOST: `unix://${SOCKET}` },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready')) resolve();
      });
    });
    child.stdin.write('\x03');
    const code = await done;
    clearTimeout(timer);
    expect(code, out).toBe(130);
  });
});

describe('--grace-period', () => {
  // The main child exits at once and leaves a background job that needs 1 s to stop cleanly.
  const SLOW_BACKGROUND =
    '(trap "sleep 1; echo background finished; exit 0" TERM; echo background started; while :; do sleep 0.1; done) & sleep 0.5; exit 0';

  it('lets a slow-stopping background process finish before the container exits', async () => {
    const r = await docker([...RUN, '--rm', '--entrypoint', 'tinit', APP_IMAGE, '--grace-period', '5s', '--', 'sh', '-c', SLOW_BACKGROUND]);
    expect(r.stdout).toMatch(/background started[\s\S]*background finished/);
    expect(r.code).toBe(0);
  });

  it('(with --grace-period 0, as tini, the kernel kills it unfinished)', async () => {
    const r = await docker([...RUN, '--rm', '--entrypoint', 'tinit', APP_IMAGE, '--grace-period', '0', '--', 'sh', '-c', SLOW_BACKGROUND]);
    expect(r.stdout).toMatch(/background started/);
    expect(r.stdout).not.toMatch(/background finished/);
  });
});
