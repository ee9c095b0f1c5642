// tinit run with real services: order, readiness, restarts and backoff, crash loops, health,
// ordered stop with SIGKILL escalation, the exit code, logs, and reaping while supervising.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, killAll, PID1_PREFIX, ROOT, run, start, TINIT } from '../helpers/run';

afterEach(killAll);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinit-sup-'));
let n = 0;
const configFile = (yaml: string) => {
  const file = path.join(dir, `s${n++}.yaml`);
  fs.writeFileSync(file, yaml);
  return file;
};
/** Lines tinit wrote about one service ("tinit | web: ..."), without the prefix. */
const about = (stderr: string, service: string) =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith(`tinit`) && l.includes(`| ${service}: `))
    .map((l) => l.slice(l.indexOf(`${service}: `) + service.length + 2));

describe('tinit run', () => {
  it('runs the README example: prefixed logs, monitor after web is ready, Ctrl-C stops both in order within a second', async () => {
    const r = start(TINIT, ['run', '-f', 'examples/web-monitor.yaml'], { cwd: ROOT, timeoutMs: 30_000 });
    await r.waitFor(/monitor \| \{"url".*"status":200/);
    const stopAt = Date.now();
    process.kill(r.child.pid as number, 'SIGINT');
    const done = await r.finished;
    expect(Date.now() - stopAt).toBeLessThan(1000);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^prepare \| data prepared in /m);
    expect(done.stdout).toMatch(/^web {5}\| listening on http:\/\/127\.0\.0\.1:8080$/m);
    const events = done.stderr.split('\n').filter((l) => /\| (web|monitor|prepare): /.test(l)).map((l) => l.replace(/^tinit +\| /, ''));
    expect(events.map((e) => e.replace(/ \(pid \d+\)/, ''))).toEqual([
      'prepare: started',
      'prepare: exited (code 0)',
      'web: started; waiting for readiness',
      'web: ready',
      'monitor: started',
      'monitor: stopping',
      'monitor: stopped (code 0)',
      'web: stopping',
      'web: stopped (code 0)',
    ]);
  });

  it('starts independent services together and dependents after them', async () => {
    const stamp = (name: string) => `sh -c 'echo ${name} $(date +%s%N); sleep 0.3'`;
    const file = configFile(
      `services:\n  a: {command: "${stamp('a')}", type: oneshot}\n  b: {command: "${stamp('b')}", type: oneshot}\n` +
        `  c:\n    command: "${stamp('c')}"\n    type: oneshot\n    depends_on: {a: {condition: completed_successfully}, b: {condition: completed_successfully}}\n`,
    );
    const r = await run(TINIT, ['run', '-f', file]);
    const at = Object.fromEntries([...r.stdout.matchAll(/(\w) +\| (\w) (\d+)/g)].map((m) => [m[2], Number(m[3]) / 1e6]));
    expect(Math.abs((at.a as number) - (at.b as number))).toBeLessThan(200);
    expect(at.c as number).toBeGreaterThan(Math.max(at.a as number, at.b as number) + 250);
    expect(r.code).toBe(0);
  });

  it.each([
    ['tcp', 'tcp: "127.0.0.1:PORT"'],
    ['http', 'http: "http://127.0.0.1:PORT/"'],
    ['exec', 'exec: ["node", "FIXTURES/http-client.js", "PORT"]'],
    ['file', 'file: "DIR/ready-PORT"'],
    ['log', 'log: "listening on PORT"'],
  ])('waits for %s readiness before starting the dependent', async (_kind, probe) => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const fill = (text: string) => text.replace(/PORT/g, String(port)).replace('DIR', dir).replace('FIXTURES', FIXTURES);
    const file = configFile(
      `services:\n  server:\n    command: ["node", "${FIXTURES}/late-server.js", "${port}", "${dir}/ready-${port}"]\n    readiness: {${fill(probe)}, interval: 50ms}\n` +
        `  client:\n    command: ["node", "${FIXTURES}/http-client.js", "${port}"]\n    type: oneshot\n    depends_on: {server: {condition: ready}}\n    on_exit: shutdown\n`,
    );
    const r = await run(TINIT, ['run', '-f', file], { timeoutMs: 20_000 });
    expect(r.stdout).toMatch(/client \| client got 200/);
    expect(r.code).toBe(0);
  });

  it('waits for s6 readiness: a newline on the notification fd', async () => {
    const file = configFile(
      'services:\n  s6:\n    command: ["sh", "-c", "sleep 0.3; echo not yet; echo >&5; exec sleep 30"]\n    readiness: {notification_fd: 5, timeout: 5s}\n' +
        '  after:\n    command: echo after ready\n    type: oneshot\n    depends_on: {s6: {condition: ready}}\n    on_exit: shutdown\n',
    );
    const r = await run(TINIT, ['run', '-f', file], { timeoutMs: 15_000 });
    expect(r.stdout.indexOf('not yet')).toBeLessThan(r.stdout.indexOf('after ready'));
    expect(about(r.stderr, 's6')).toContain('ready');
    expect(r.code).toBe(0);
  });

  it('waits for sd_notify READY=1 on $NOTIFY_SOCKET', async () => {
    const file = configFile(
      `services:\n  sd:\n    command: ["python3", "${FIXTURES}/sd-notify.py"]\n    readiness: {notify: true, timeout: 5s}\n` +
        '  after:\n    command: echo after ready\n    type: oneshot\n    depends_on: {sd: {condition: ready}}\n    on_exit: shutdown\n',
    );
    const r = await run(TINIT, ['run', '-f', file], { timeoutMs: 15_000 });
    expect(r.stdout.indexOf('about to notify')).toBeGreaterThanOrEqual(0);
    expect(r.stdout.indexOf('about to notify')).toBeLessThan(r.stdout.indexOf('after ready'));
    expect(r.code).toBe(0);
  });

  it('forwards other signals to the services; TERM and INT are tinit’s own', async () => {
    const file = configFile(
      'services:\n  a:\n    command: ["sh", "-c", "trap \\"echo a got USR1\\" USR1; echo up; while :; do sleep 1 & wait; done"]\n' +
        '  b:\n    command: ["sh", "-c", "trap \\"echo b got USR1\\" USR1; echo up; while :; do sleep 1 & wait; done"]\n',
    );
    const r = start(TINIT, ['run', '-f', file], { timeoutMs: 20_000 });
    await r.waitFor(/a +\| up/);
    await r.waitFor(/b +\| up/);
    process.kill(r.child.pid as number, 'SIGUSR1');
    await r.waitFor('a got USR1');
    await r.waitFor('b got USR1');
    process.kill(r.child.pid as number, 'SIGTERM');
    await r.finished;
  });

  it('gives a service its environment (inherited, env_file, environment), working dir and umask', async () => {
    const envFile = path.join(dir, `svc-${n}.env`);
    fs.writeFileSync(envFile, '# a comment\nFROM_FILE=file\nOVERRIDDEN=from-file\nQUOTED="a b"\n');
    const file = configFile(
      `services:\n  env:\n    command: 'echo "$INHERITED $FROM_FILE $OVERRIDDEN $QUOTED $(pwd) $(umask)"'\n    type: oneshot\n` +
        `    env_file: ${envFile}\n    environment: {OVERRIDDEN: from-config}\n    working_dir: /tmp\n    umask: "027"\n`,
    );
    const r = await run(TINIT, ['run', '-f', file], { env: { ...process.env, INHERITED: 'inherited' } });
    expect(r.stdout).toBe('env   | inherited file from-config a b /tmp 0027\n');
  });

  it('starts a dependent once its dependency is healthy', async () => {
    const flag = path.join(dir, `healthy-dep-${n}`);
    const file = configFile(
      `services:\n  db:\n    command: "sleep 0.5; touch ${flag}; exec sleep 30"\n    healthcheck: {file: ${flag}, interval: 100ms, retries: 3, start_period: 2s}\n` +
        '  app:\n    command: echo db is healthy\n    type: oneshot\n    depends_on: {db: {condition: healthy}}\n    on_exit: shutdown\n',
    );
    const r = await run(TINIT, ['run', '-f', file], { timeoutMs: 15_000 });
    expect(r.stdout).toMatch(/app +\| db is healthy/);
    expect(about(r.stderr, 'db')).toContain('healthy');
    expect(r.code).toBe(0);
  });

  it('--log-format json writes one object per line and embeds JSON from the app', async () => {
    const file = configFile('services:\n  j:\n    command: ["sh", "-c", "echo plain; echo \'{\\"level\\":\\"info\\"}\'"]\n    type: oneshot\n');
    const r = await run(TINIT, ['run', '-f', file, '--log-format', 'json']);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { time: expect.any(String), service: 'j', stream: 'stdout', message: 'plain' },
      { time: expect.any(String), service: 'j', stream: 'stdout', json: { level: 'info' } },
    ]);
  });

  it('runs a service as another user, with only that user’s group', async () => {
    const file = configFile('services:\n  who:\n    command: id\n    user: nobody\n    type: oneshot\n');
    const r = await run(TINIT, ['run', '-f', file]);
    expect(r.stdout).toMatch(/who +\| uid=65534\(nobody\) gid=65534\(nogroup\) groups=65534\(nogroup\)/);
  });

  it('a readiness timeout fails the start instead of counting as ready', async () => {
    const file = configFile(
      'services:\n  slow:\n    command: sleep 30\n    readiness: {file: /nonexistent/ready, timeout: 300ms, interval: 50ms}\n' +
        '  after:\n    command: echo should not run\n    depends_on: {slow: {condition: ready}}\n',
    );
    const r = await run(TINIT, ['run', '-f', file], { timeoutMs: 15_000 });
    expect(r.stdout).not.toMatch(/should not run/);
    expect(about(r.stderr, 'slow')).toContain('not ready: no readiness within 300 ms; stopping it');
    expect(r.stderr).toMatch(/after cannot start: slow ended/);
    expect(r.code).not.toBe(0);
  });

  it('restarts with exponential backoff, then gives up at the crash-loop limit', async () => {
    const file = configFile(
      'services:\n  flaky:\n    command: exit 3\n    restart: on-failure\n    backoff: {initial: 100ms, factor: 2, jitter: 0}\n    crash_loop: {max_failures: 4, window: 1m}\n',
    );
    const r = await run(TINIT, ['run', '-f', file], { timeoutMs: 15_000 });
    const lines = about(r.stderr, 'flaky').filter((l) => l.startsWith('exited'));
    expect(lines).toEqual([
      'exited (code 3); restarting in 100 ms',
      'exited (code 3); restarting in 200 ms',
      'exited (code 3); restarting in 400 ms',
      'exited (code 3); 4 failed runs within 60000 ms: crash loop; giving up',
    ]);
    // Never a silent 0 after a failure.
    expect(r.code).toBe(3);
  });

  it('restarts at once with a zero backoff, and nothing starts once the shutdown begins', async () => {
    const file = configFile(
      'services:\n  flaky:\n    command: "echo run; exit 3"\n    restart: always\n    backoff: {initial: 0s, max: 0s, jitter: 0}\n    crash_loop: {max_failures: 50, window: 1m}\n',
    );
    const r = start(TINIT, ['run', '-f', file], { timeoutMs: 20_000 });
    await r.waitFor(/(flaky +\| run\n[^]*){5}/);
    expect(about(r.stderr(), 'flaky')).toContain('exited (code 3); restarting in 0 ms');
    process.kill(r.child.pid as number, 'SIGTERM');
    const done = await r.finished;
    // The shutdown came between a run's end and its immediate restart, or during a run: either
    // way nothing starts after it, and tinit exits.
    const after = done.stderr.slice(done.stderr.indexOf('SIGTERM'));
    expect(after).not.toMatch(/flaky: started/);
  });

  it('restarts an unhealthy service', async () => {
    const flag = path.join(dir, `healthy-${n}`);
    fs.writeFileSync(flag, '');
    const file = configFile(
      `services:\n  app:\n    command: "echo run; sleep 30"\n    restart: always\n    healthcheck: {file: ${flag}, interval: 100ms, retries: 2, timeout: 100ms}\n`,
    );
    const r = start(TINIT, ['run', '-f', file], { timeoutMs: 20_000 });
    await r.waitFor('healthy', 'stderr');
    fs.unlinkSync(flag);
    await r.waitFor('app: unhealthy; restarting it', 'stderr');
    await r.waitFor(/run\n[^]*run\n/);
    process.kill(r.child.pid as number, 'SIGTERM');
    await r.finished;
  });

  it('stops in reverse dependency order and SIGKILLs a service that ignores its stop signal', async () => {
    const file = configFile(
      'services:\n  db:\n    command: sleep 30\n  api:\n    command: ["sh", "-c", "trap \\"\\" TERM; echo up; while :; do sleep 1; done"]\n    depends_on: [db]\n    stop_grace_period: 300ms\n',
    );
    const r = start(TINIT, ['run', '-f', file], { timeoutMs: 20_000 });
    await r.waitFor('api   | up');
    process.kill(r.child.pid as number, 'SIGTERM');
    const done = await r.finished;
    // (api's own `sleep 1`, orphaned by its SIGKILL, may be left over and stopped at the end.)
    const order = done.stderr.split('\n').filter((l) => /(stopping|stopped|SIGKILL)/.test(l) && !/left behind/.test(l)).map((l) => l.replace(/^tinit +\| /, ''));
    expect(order).toEqual([
      'SIGTERM: stopping every service in order',
      'api: stopping',
      'api: still running after 300 ms; sending SIGKILL',
      'api: stopped (killed by signal 9, code 137)',
      'db: stopping',
      'db: stopped (killed by signal 15, code 143)',
    ]);
  });

  it('ends the container with the main service’s exit code', async () => {
    const file = configFile('services:\n  side:\n    command: sleep 30\n  job:\n    command: sh -c "sleep 0.2; exit 7"\n    main: true\n');
    const r = await run(TINIT, ['run', '-f', file], { timeoutMs: 15_000 });
    expect(r.stderr).toMatch(/job is the main service and ended with 7: stopping the rest/);
    expect(r.code).toBe(7);
  });

  it('stops startup with a required oneshot’s exit code when it fails', async () => {
    const file = configFile(
      'services:\n  migrate:\n    type: oneshot\n    command: sh -c "echo migrating; exit 4"\n  web:\n    command: echo should not start\n    depends_on: {migrate: {condition: completed_successfully}}\n',
    );
    const r = await run(TINIT, ['run', '-f', file], { timeoutMs: 15_000 });
    expect(r.stdout).not.toMatch(/should not start/);
    expect(r.code).toBe(4);
  });

  it('prefixes 50 MB of output whole, and keeps a last line written without a newline', async () => {
    const file = configFile(
      'services:\n  big:\n    command: ["sh", "-c", "head -c 52428800 /dev/zero | tr \\"\\\\\\\\0\\" x | fold -w 1000"]\n    type: oneshot\n' +
        '  partial:\n    command: ["sh", "-c", "printf \\"no newline at the end\\"; kill -9 $$"]\n    type: oneshot\n    success_exit_codes: [137]\n',
    );
    const r = start(TINIT, ['run', '-f', file], { timeoutMs: 60_000 });
    r.child.stdin?.end();
    let bytes = 0;
    let lines = 0;
    let tail = '';
    r.child.stdout?.removeAllListeners('data');
    r.child.stdout?.on('data', (chunk: string) => {
      const text = tail + chunk;
      const parts = text.split('\n');
      tail = parts.pop() as string;
      for (const p of parts) {
        if (p.startsWith('big     | ')) {
          lines++;
          bytes += p.length - 10;
        } else if (p.startsWith('partial | ')) {
          expect(p).toBe('partial | no newline at the end');
        }
      }
    });
    const done = await r.finished;
    expect(bytes).toBe(52_428_800);
    expect(lines).toBe(52_429);
    expect(done.stderr).toMatch(/partial: exited \(killed by signal 9, code 137\)/);
  }, 70_000);

  it('reaps orphans while supervising, as PID 1', async () => {
    const file = configFile(`services:\n  maker:\n    command: "${ROOT}/test/fixtures/orphans.sh 50 5"\n    type: oneshot\n`);
    const r = await run('unshare', [...PID1_PREFIX.slice(0, -1), TINIT, 'run', '-f', file], { timeoutMs: 20_000 });
    expect(r.stdout).toMatch(/maker \| zombies=0/);
    expect(r.code).toBe(0);
  });

  it('exits 2 with every problem of a bad config', async () => {
    const file = configFile('services:\n  a: {command: x, restart: sometimes}\n  b: {command: y, depends_on: [ghost]}\n');
    const r = await run(TINIT, ['run', '-f', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
  });
});

describe('tinit run: edges', () => {
  it('reports a service that cannot start once, naming what failed, and starts the others once', async () => {
    const file = configFile(
      'services:\n  b: {command: "exec sleep 30"}\n  a: {command: ["/nonexistent/prog"]}\n  d: {command: "true", working_dir: /nonexistent}\n  c: {command: "true"}\n',
    );
    const r = start(TINIT, ['run', '-f', file], { timeoutMs: 15_000 });
    await r.waitFor('c: exited', 'stderr');
    process.kill(r.child.pid as number, 'SIGTERM');
    const done = await r.finished;
    expect(about(done.stderr, 'a').filter((l) => l.startsWith('could not start'))).toEqual(['could not start: execve /nonexistent/prog: no such file or directory']);
    expect(about(done.stderr, 'd').filter((l) => l.startsWith('could not start'))).toEqual(['could not start: chdir /nonexistent: no such file or directory']);
    expect(about(done.stderr, 'c').filter((l) => l.startsWith('started'))).toHaveLength(1);
    expect(done.code).toBe(127);
  });

  it('stops what services leave behind, and prints a last partial line a child still holds', async () => {
    const file = configFile('services:\n  a: {command: "sleep 1000 & printf \'partial, no newline\'; exit 0", type: oneshot}\n');
    const r = await run(TINIT, ['run', '-f', file], { timeoutMs: 15_000 });
    expect(r.stdout).toBe('a     | partial, no newline\n');
    expect(r.stderr).toMatch(/stopping what they left behind/);
    expect(r.code).toBe(0);
  });

  it('does not hide a failure behind a main service that exits 0', async () => {
    const file = configFile('services:\n  bad: {command: "exit 5", type: oneshot}\n  job: {command: "sleep 0.3", main: true}\n');
    const r = await run(TINIT, ['run', '-f', file], { timeoutMs: 15_000 });
    expect(r.code).toBe(5);
  });
});

describe('tinit run: SIGHUP', () => {
  it('restarts a failed service whose definition changed, and stops the old process its own way', async () => {
    const file = configFile(
      'services:\n  old:\n    command: ["sh", "-c", "trap \\"echo old got QUIT; exit 0\\" QUIT; trap \\"\\" TERM; echo old up; while :; do sleep 1 & wait; done"]\n    stop_signal: SIGQUIT\n  broken: {command: "exit 3"}\n',
    );
    const r = start(TINIT, ['run', '-f', file], { timeoutMs: 20_000 });
    await r.waitFor(/old +\| old up/);
    await r.waitFor('broken: exited (code 3)', 'stderr');
    fs.writeFileSync(file, 'services:\n  old: {command: "echo new up; exec sleep 30"}\n  broken: {command: "echo fixed; exec sleep 30"}\n');
    process.kill(r.child.pid as number, 'SIGHUP');
    await r.waitFor('old got QUIT');
    await r.waitFor(/old +\| new up/);
    await r.waitFor(/broken +\| fixed/);
    process.kill(r.child.pid as number, 'SIGTERM');
    await r.finished;
  });

  it('reloads: restarts what changed, starts what is new, stops what is gone, leaves the rest', async () => {
    const file = configFile(
      'services:\n  a: {command: "echo a-v1; exec sleep 30"}\n  b: {command: "echo b-v1; exec sleep 30"}\n  same: {command: "echo same; exec sleep 30"}\n',
    );
    const r = start(TINIT, ['run', '-f', file], { timeoutMs: 20_000 });
    await r.waitFor('same  | same');
    await r.waitFor('b     | b-v1');
    fs.writeFileSync(file, 'services:\n  a: {command: "echo a-v2; exec sleep 30"}\n  same: {command: "echo same; exec sleep 30"}\n  c: {command: "echo c-v1; exec sleep 30"}\n');
    process.kill(r.child.pid as number, 'SIGHUP');
    await r.waitFor(/a +\| a-v2/);
    await r.waitFor(/c +\| c-v1/);
    await r.waitFor('b: stopped', 'stderr');
    expect(r.stderr()).toMatch(/SIGHUP: config reloaded; adding c; restarting a; removing b/);
    expect(r.stdout().match(/\| same$/gm)).toHaveLength(1);
    // A broken file changes nothing.
    fs.writeFileSync(file, 'services:\n  a: {command: x, restart: sometimes}\n');
    process.kill(r.child.pid as number, 'SIGHUP');
    await r.waitFor('the config was not reloaded, nothing changed', 'stderr');
    process.kill(r.child.pid as number, 'SIGTERM');
    const done = await r.finished;
    expect(done.stderr).toMatch(/same: stopped/);
    expect(done.stderr).toMatch(/c: stopped/);
  });
});

describe('tinit ctl', () => {
  it('shows status, stops and starts a service while the container goes on, and answers health', async () => {
    const flag = path.join(dir, `ctl-healthy-${n}`);
    fs.writeFileSync(flag, '');
    const file = configFile(
      `services:\n  web: {command: "exec sleep 30", healthcheck: {file: ${flag}, interval: 100ms, retries: 1, on_unhealthy: report}}\n  job: {command: "exit 0", type: oneshot}\n`,
    );
    const r = start(TINIT, ['run', '-f', file], { timeoutMs: 30_000 });
    await r.waitFor('web: healthy', 'stderr');
    const ctl = async (...args: string[]) => run(TINIT, ['ctl', ...args]);
    const status = JSON.parse((await ctl('status', '--json')).stdout);
    expect(status.services.map((s: { name: string; phase: string }) => [s.name, s.phase])).toEqual([['web', 'running'], ['job', 'exited']]);
    expect((await ctl('health')).code).toBe(0);
    // Down on request: the container stays, and health leaves it out.
    expect((await ctl('stop', 'web')).code).toBe(0);
    await r.waitFor('web: stopped', 'stderr');
    expect(r.child.exitCode).toBeNull();
    expect((await ctl('health')).stdout).toBe('healthy\n');
    expect((await ctl('start', 'web')).code).toBe(0);
    await r.waitFor(/web: started \(pid \d+\)[^]*web: started \(pid \d+\)/, 'stderr');
    // Unhealthy: exit 1, saying why.
    fs.unlinkSync(flag);
    await r.waitFor('web: unhealthy', 'stderr');
    const sick = await ctl('health');
    expect([sick.code, sick.stdout]).toEqual([1, 'unhealthy: web is unhealthy\n']);
    expect((await ctl('restart', 'nope')).stderr).toMatch(/no service named nope \(services are web, job\)/);
    process.kill(r.child.pid as number, 'SIGTERM');
    await r.finished;
  });

  it('says so when no tinit run supervises this PID namespace', async () => {
    const r = await run('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', TINIT, 'ctl', 'status']);
    expect(r.stderr).toBe('tinit: ctl: no tinit run is supervising in this PID namespace\n');
    expect(r.code).toBe(1);
  });
});
