// The tini / dumb-init / catatonit surface: -e, -r, -p, -w, -l, -v streams, -P.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, killAll, run, runTinit, start, TINIT, type Finished } from '../helpers/run';

afterEach(killAll);

/** Runs jobs with at most `limit` in flight. */
async function pool<T>(jobs: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

const CODES = Array.from({ length: 256 }, (_, i) => i);

describe('-e (tini)', () => {
  it('remaps every code 0-255 to 0 when listed', async () => {
    const results = await pool(CODES.map((c) => () => runTinit(['-s', '-e', String(c), '--', 'sh', '-c', `exit ${c}`])), 6);
    expect(results.map((r) => r.code)).toEqual(CODES.map(() => 0));
  }, 120_000);

  it('leaves every code 0-255 alone when only the others are listed', async () => {
    const results = await pool(
      CODES.map((c) => () => {
        const others = CODES.filter((o) => o !== c).flatMap((o) => ['-e', String(o)]);
        return runTinit(['-s', ...others, '--', 'sh', '-c', `exit ${c}`]);
      }),
      6,
    );
    expect(results.map((r) => r.code)).toEqual(CODES);
  }, 120_000);

  it('rejects a code outside 0-255 with exit 1', async () => {
    const r = await runTinit(['-e', '256', '--', 'true']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("tinit: -e: '256' is not an exit code (a whole number from 0 to 255)\n");
  });
});

// Every signal 1-31 that tinit forwards: all catchable ones but CHLD, PIPE, TTIN, TTOU and the
// kernel's fault signals (ILL TRAP ABRT BUS FPE SEGV SYS).
const FORWARDED = [1, 2, 3, 10, 12, 14, 15, 16, 18, 20, 23, 24, 25, 26, 27, 28, 29, 30];

async function proxied(flags: string[], send: number[], trap: number[]): Promise<string[]> {
  const r = start(TINIT, ['-s', ...flags, '--', `${FIXTURES}/print-signals.sh`, ...trap.map(String)]);
  await r.waitFor('ready\n');
  const seen: string[] = [];
  for (const signo of send) {
    const before = r.stdout().length;
    process.kill(r.child.pid as number, signo);
    // Each forwarded signal prints one line; a dropped one prints nothing (bounded wait).
    const deadline = Date.now() + 2000;
    while (r.stdout().length === before && Date.now() < deadline) await new Promise((res) => setTimeout(res, 5));
    seen.push(r.stdout().slice(before).trim());
  }
  r.kill();
  return seen;
}

describe('signal proxying 1-31 (dumb-init suite)', () => {
  it('forwards each forwarded signal 1-31 unchanged', async () => {
    expect(await proxied([], FORWARDED, FORWARDED)).toEqual(FORWARDED.map((s) => `sig ${s}`));
  });

  it.each<[string, string[], number[], string[]]>([
    ['TERM as INT', ['-r', '15:2'], [15], ['sig 2']],
    ['USR1 and USR2 swapped', ['-r', '10:12', '-r', '12:10'], [10, 12], ['sig 12', 'sig 10']],
    ['HUP as SYS (31), by name', ['-r', 'HUP:SIGSYS'], [1], ['sig 31']],
    ['INT and WINCH dropped, TERM still through', ['-r', '2:0', '-r', 'WINCH:0'], [2, 28, 15], ['', '', 'sig 15']],
  ])('with rewrites: %s', async (_name, flags, send, expected) => {
    expect(await proxied(flags, send, [2, 10, 12, 15, 28, 31])).toEqual(expected);
  });

  it('rejects a malformed rewrite with exit 1 and the rule', async () => {
    const r = await runTinit(['-r', '15::12', '--', 'true']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tinit: -r: '15::12' is not a rewrite \(S:R/);
  });
});

describe('-p (tini pdeathsig)', () => {
  it("forwards the signal tinit gets when its parent dies", async () => {
    // The child kills tinit's parent, then waits for the USR1 that tinit forwards.
    const child =
      'trap "echo got USR1; exit 0" USR1; set -- $(sed "s/.*) //" /proc/$PPID/stat); kill -KILL $2; ' +
      'while :; do sleep 1000 >/dev/null 2>&1 & wait $!; done';
    const r = await run('sh', ['-c', `${TINIT} -s -p SIGUSR1 -- sh -c '${child}' & wait`]);
    expect(r.stdout).toBe('got USR1\n');
  });

  it('rejects an unknown signal name with exit 1', async () => {
    const r = await runTinit(['-p', 'SIGWHAT', '--', 'true']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/-p: 'SIGWHAT' is not a signal/);
  });
});

describe('logging (tini levels and streams)', () => {
  it('-w warns on stderr for each reaped orphan', async () => {
    const r = await runTinit(['-s', '-w', '--', 'sh', '-c', '(true &); sleep 0.3']);
    expect(r.stderr).toMatch(/\[WARN  tinit \(\d+\)\] Reaped zombie process with pid=\d+/);
    const quiet = await runTinit(['-s', '--', 'sh', '-c', '(true &); sleep 0.3']);
    expect(quiet.stderr).toBe('');
  });

  it('-vvv logs INFO/DEBUG on stdout like tini; TINI_VERBOSITY=3 does the same', async () => {
    // The child lives a moment, so its exit arrives as a SIGCHLD rather than at the first sweep.
    const r = await runTinit(['-s', '-vvv', '--', 'sleep', '0.1']);
    expect(r.stdout).toMatch(/\[DEBUG tinit \(\d+\)\] Received SIGCHLD/);
    expect(r.stdout).toMatch(/\[INFO  tinit \(\d+\)\] Spawned child process 'sleep'/);
    expect(r.stdout).toMatch(/\[TRACE tinit \(\d+\)\] Got SIGCHLD from pid \d+/);
    expect(r.stderr).toBe('');
    const env = await runTinit(['-s', '--', 'sleep', '0.1'], { env: { ...process.env, TINI_VERBOSITY: '3' } });
    expect(env.stdout).toMatch(/Received SIGCHLD/);
  });
});

describe('-l, -L, -V', () => {
  it('prints the licence on stdout and exits 0', async () => {
    const licence = fs.readFileSync(path.join(__dirname, '..', '..', 'LICENSE'), 'utf8');
    for (const flag of ['-l', '-L']) {
      const r: Finished = await runTinit([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(licence);
    }
  });

  it('-V is --version', async () => {
    const r = await runTinit(['-V']);
    expect(r.stdout).toMatch(/^tini version \S+_tinit\n$/);
  });
});

describe('-P (catatonit pause mode)', () => {
  it('runs no child, ignores other signals, exits 0 on SIGTERM', async () => {
    const r = start(TINIT, ['-s', '-P']);
    await new Promise((res) => setTimeout(res, 300));
    process.kill(r.child.pid as number, 'SIGHUP');
    process.kill(r.child.pid as number, 'SIGUSR1');
    await new Promise((res) => setTimeout(res, 200));
    expect(r.child.exitCode).toBeNull();
    process.kill(r.child.pid as number, 'SIGTERM');
    expect((await r.finished).code).toBe(0);
  });

  it('exits 0 on SIGINT', async () => {
    const r = start(TINIT, ['-s', '-P']);
    await new Promise((res) => setTimeout(res, 300));
    process.kill(r.child.pid as number, 'SIGINT');
    expect((await r.finished).code).toBe(0);
  });

  it('as PID 1, reaps orphans made inside its namespace', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinit-pause-'));
    const r = start('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', TINIT, '-P']);
    let pid1: number | undefined;
    for (let i = 0; i < 100 && pid1 === undefined; i++) {
      await new Promise((res) => setTimeout(res, 20));
      pid1 = fs.readdirSync('/proc').map(Number).find((p) => {
        try {
          return new RegExp(`^PPid:\\s+${r.child.pid}$`, 'm').test(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
        } catch {
          return false;
        }
      });
    }
    expect(pid1).toBeDefined();
    const enter = ['--target', String(pid1), '--pid', '--mount', '--'];
    await run('nsenter', [...enter, 'sh', '-c', `for i in 1 2 3 4 5; do (true &); done; echo made > ${dir}/made`]);
    await new Promise((res) => setTimeout(res, 500));
    const z = await run('nsenter', [...enter, `${FIXTURES}/zombies.sh`]);
    expect(fs.readFileSync(`${dir}/made`, 'utf8')).toBe('made\n');
    expect(z.stdout).toBe('zombies=0\n');
    process.kill(pid1 as number, 'SIGTERM');
    expect((await r.finished).code).toBe(0);
  });
});
