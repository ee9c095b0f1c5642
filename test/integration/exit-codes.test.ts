// What `tinit -- program` exits with: the child's code, 128+N for signals, 127/126/1 when the
// program cannot start, and 1 for bad usage.
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, runTinit, start, TINIT } from '../helpers/run';

afterEach(killAll);

describe('exit codes', () => {
  it.each([0, 7, 255])('passes exit code %i through', async (code) => {
    const r = await runTinit(['-s', '--', 'sh', '-c', `exit ${code}`]);
    expect(r.code).toBe(code);
  });

  it.each([
    ['KILL', 137],
    ['TERM', 143],
  ])('exits 128+N when the child is killed by SIG%s', async (sig, code) => {
    const r = await runTinit(['-s', '--', 'sh', '-c', `kill -${sig} $$`]);
    expect(r.code).toBe(code);
  });

  it('exits 127 with a one-line message naming a program that is not found', async () => {
    const r = await runTinit(['-s', '--', 'tinit-no-such-program']);
    expect(r.code).toBe(127);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^\[FATAL tinit \(\d+\)\] exec tinit-no-such-program failed: no such file or directory$/),
    ]);
  });

  it('exits 126 with a message for a program that is not executable', async () => {
    const r = await runTinit(['-s', '--', '/etc']);
    expect(r.code).toBe(126);
    expect(r.stderr).toMatch(/exec \/etc failed: permission denied/);
  });

  it('passes a child exit of 127 through unchanged, with no message of its own', async () => {
    const r = await runTinit(['-s', '--', 'sh', '-c', 'exit 127']);
    expect(r.code).toBe(127);
    expect(r.stderr).toBe('');
  });

  it('runs a #!-less script through /bin/sh, as execvp does', async () => {
    const r = await runTinit(['-s', '--', 'test/fixtures/no-shebang'], { cwd: `${__dirname}/../..` });
    expect(r.stdout).toBe('no shebang ran\n');
    expect(r.code).toBe(4);
  });

  it('does not pick options out of the child argv', async () => {
    const r = await runTinit(['-s', 'sh', '-c', 'echo "$0 $1"', '-l', '-v']);
    expect(r.stdout).toBe('-l -v\n');
    expect(r.code).toBe(0);
  });

  it('exits 1 with a usage line when no program is given or an option is unknown', async () => {
    const none = await runTinit([]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no program given/);
    const bad = await runTinit(['-z', '--', 'true']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown option '-z'/);
  });

  it('prints help and a docker-parsable version on stdout, exit 0', async () => {
    const help = await runTinit(['-h']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: tinit \[options\] \[--\] program \[args\.\.\.\]/);
    const version = await runTinit(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^tini version \d+\.\d+\.\d+_tinit\n$/);
  });

  it('exits as soon as the main child does, leaving a background sleep 60 behind', async () => {
    const begun = Date.now();
    const r = start(TINIT, ['-s', '--', 'sh', '-c', 'sleep 60 >/dev/null 2>&1 & echo $!']);
    const done = await r.finished;
    expect(done.code).toBe(0);
    expect(Date.now() - begun).toBeLessThan(10_000);
    process.kill(Number(done.stdout.trim()), 'SIGKILL');
  });
});
