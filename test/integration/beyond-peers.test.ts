// What tini, dumb-init and catatonit refuse to do: a grace period for what the main child
// leaves behind, signals to adopted orphans, an exit report; and dumb-init's setsid mode.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { childOf, descendants, endedWithin, FIXTURES, killAll, PID1_PREFIX, run, runTinit, start, TINIT } from '../helpers/run';

afterEach(killAll);

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tinit-beyond-'));
/** The main child: starts the worker (in its own session, so only tinit can find it) and exits. */
const leaveWorker = (dir: string, cleanup: string, mode = '') =>
  `setsid ${FIXTURES}/slow-stop.sh ${dir}/out ${cleanup} ${mode} >/dev/null 2>&1 & sleep 0.3; exit 5`;

describe('--grace-period', () => {
  it('lets a leftover worker that needs 1 s to clean up finish, then exits with the main code', async () => {
    const dir = tmp();
    const begun = Date.now();
    const r = await runTinit(['-s', '--grace-period', '5s', '--', 'sh', '-c', leaveWorker(dir, '1')]);
    expect(r.code).toBe(5);
    expect(fs.readFileSync(`${dir}/out`, 'utf8')).toBe('cleaned\n');
    // It exits as soon as the worker is gone, not at the end of the 5 s.
    expect(Date.now() - begun).toBeLessThan(4500);
  });

  it('kills a worker that ignores SIGTERM at the deadline', async () => {
    const dir = tmp();
    const begun = Date.now();
    const r = await runTinit(['-s', '--grace-period', '700ms', '--', 'sh', '-c', leaveWorker(dir, '1', 'ignore')]);
    expect(r.code).toBe(5);
    expect(Date.now() - begun).toBeGreaterThanOrEqual(900);
    const worker = Number(fs.readFileSync(`${dir}/out.pid`, 'utf8'));
    expect(await endedWithin(worker, 1000)).toBe(true);
    expect(r.stderr).toMatch(/Grace period of 700 ms is over; killing what is left/);
  });

  it('as PID 1 gives leftovers a grace period by default', async () => {
    const dir = tmp();
    const r = await run('unshare', [...PID1_PREFIX, '--', 'sh', '-c', leaveWorker(dir, '0.5')]);
    expect(r.code).toBe(5);
    expect(fs.readFileSync(`${dir}/out`, 'utf8')).toBe('cleaned\n');
  });

  it('--grace-period 0 as PID 1 is tini: the leftover gets no SIGTERM', async () => {
    const dir = tmp();
    const r = await run('unshare', [...PID1_PREFIX, '--grace-period', '0', '--', 'sh', '-c', leaveWorker(dir, '0')]);
    expect(r.code).toBe(5);
    expect(fs.existsSync(`${dir}/out`)).toBe(false);
  });

  it('not PID 1 and without -s, --grace-period makes tinit a subreaper so it can see leftovers', async () => {
    const dir = tmp();
    const r = await runTinit(['--grace-period', '5s', '--', 'sh', '-c', leaveWorker(dir, '0.2')], { env: { ...process.env, TINI_SUBREAPER: undefined } });
    expect(r.code).toBe(5);
    expect(fs.readFileSync(`${dir}/out`, 'utf8')).toBe('cleaned\n');
  });

  it('not PID 1, the default is 0: tinit exits at once and the leftover keeps running', async () => {
    const dir = tmp();
    const r = await runTinit(['-s', '--', 'sh', '-c', leaveWorker(dir, '0')]);
    expect(r.code).toBe(5);
    const worker = Number(fs.readFileSync(`${dir}/out.pid`, 'utf8'));
    expect(await endedWithin(worker, 200)).toBe(false);
    process.kill(worker, 'SIGKILL');
  });
});

describe('--signal-all', () => {
  const script = `setsid ${FIXTURES}/print-signals.sh 10 & sleep 0.3; echo main-ready; while :; do sleep 1000 >/dev/null 2>&1 & wait $!; done`;

  it('forwards to an adopted orphan in another session too', async () => {
    const r = start(TINIT, ['-s', '--signal-all', '--', 'sh', '-c', `trap : USR1; ${script}`]);
    await r.waitFor('main-ready');
    process.kill(r.child.pid as number, 'SIGUSR1');
    await r.waitFor('sig 10');
  });

  it('delivers each signal once to the main child (not again as a descendant)', async () => {
    const counter = `n=0; trap 'n=$((n+1)); echo got $n' USR1; echo ready; while :; do sleep 1000 >/dev/null 2>&1 & wait $!; kill $! 2>/dev/null; done`;
    const r = start(TINIT, ['-s', '--signal-all', '--', 'sh', '-c', counter]);
    await r.waitFor('ready');
    process.kill(r.child.pid as number, 'SIGUSR1');
    await r.waitFor('got 1');
    await new Promise((res) => setTimeout(res, 300));
    expect(r.stdout()).not.toMatch(/got 2/);
  });

  it('without it, the orphan gets nothing', async () => {
    const r = start(TINIT, ['-s', '--', 'sh', '-c', `trap : USR1; ${script}`]);
    await r.waitFor('main-ready');
    process.kill(r.child.pid as number, 'SIGUSR1');
    await new Promise((res) => setTimeout(res, 300));
    expect(r.stdout()).not.toMatch(/sig 10/);
  });
});

describe('--exit-report', () => {
  it('writes the main child’s end, its resources and the orphans reaped as JSON', async () => {
    const file = path.join(tmp(), 'report.json');
    const r = await runTinit(['-s', '--exit-report', file, '--', 'sh', '-c', '(true &); (true &); sleep 0.2; ulimit -c 0; kill -ABRT $$']);
    expect(r.code).toBe(134);
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(report).toMatchObject({ program: 'sh', exitCode: 134, childExitStatus: null, signal: 'SIGABRT', coreDumped: false, orphansReaped: 2, leftoversKilled: false });
    expect(report.pid).toBeGreaterThan(0);
    expect(report.durationMs).toBeGreaterThanOrEqual(200);
    expect(report.maxRssKb).toBeGreaterThan(0);
  });

  it('is written when the program cannot even start, and -e applies to that code too (as tini)', async () => {
    const file = path.join(tmp(), 'report.json');
    const r = await runTinit(['-s', '--exit-report', file, '--', '/nonexistent/prog']);
    expect(r.code).toBe(127);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ program: '/nonexistent/prog', pid: null, exitCode: 127 });
    const remapped = await runTinit(['-s', '-e', '127', '--', '/nonexistent/prog']);
    expect(remapped.code).toBe(0);
  });

  it("'-' writes it to stderr, after -e remapping", async () => {
    const r = await runTinit(['-s', '-e', '3', '--exit-report', '-', '--', 'sh', '-c', 'exit 3']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stderr)).toMatchObject({ exitCode: 0, childExitStatus: 3, signal: null });
  });
});

describe('--setsid (dumb-init)', () => {
  it('makes the child a session leader and signals its whole group', async () => {
    const r = start(TINIT, ['-s', '--setsid', '--', 'sh', '-c', 'sleep 1000 & sleep 1000 & echo "sid=$(cut -d" " -f6 /proc/$$/stat) me=$$"; wait']);
    await r.waitFor(/sid=\d+ me=\d+/);
    const m = /sid=(\d+) me=(\d+)/.exec(r.stdout());
    expect(m?.[1]).toBe(m?.[2]);
    const family = descendants(r.child.pid as number);
    expect(family.length).toBe(3);
    process.kill(r.child.pid as number, 'SIGTERM');
    expect((await r.finished).code).toBe(143);
    for (const pid of family) expect(await endedWithin(pid, 2000)).toBe(true);
  });

  it('DUMB_INIT_SETSID=1 turns it on, -c turns it off', async () => {
    const probe = ['sh', '-c', 'echo "sid=$(cut -d" " -f6 /proc/$$/stat) me=$$"'];
    const on = await runTinit(['-s', '--', ...probe], { env: { ...process.env, DUMB_INIT_SETSID: '1' } });
    const onMatch = /sid=(\d+) me=(\d+)/.exec(on.stdout);
    expect(onMatch?.[1]).toBe(onMatch?.[2]);
    const off = await runTinit(['-s', '-c', '--', ...probe], { env: { ...process.env, DUMB_INIT_SETSID: '1' } });
    const offMatch = /sid=(\d+) me=(\d+)/.exec(off.stdout);
    expect(offMatch?.[1]).not.toBe(offMatch?.[2]);
  });

  it('forwards TSTP as SIGSTOP and stops itself; SIGCONT resumes both', async () => {
    const r = start(TINIT, ['-s', '--setsid', '--', 'sh', '-c', 'echo ready; exec sleep 1000']);
    await r.waitFor('ready');
    const child = childOf(r.child.pid as number) as number;
    process.kill(r.child.pid as number, 'SIGTSTP');
    const state = (pid: number) => /\) (\S)/.exec(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
    const until = async (pred: () => boolean) => {
      for (let i = 0; i < 200 && !pred(); i++) await new Promise((res) => setTimeout(res, 10));
    };
    await until(() => state(child) === 'T' && state(r.child.pid as number) === 'T');
    expect([state(child), state(r.child.pid as number)]).toEqual(['T', 'T']);
    process.kill(r.child.pid as number, 'SIGCONT');
    await until(() => state(child) !== 'T' && state(r.child.pid as number) !== 'T');
    expect(state(child)).not.toBe('T');
    expect(state(r.child.pid as number)).not.toBe('T');
  });
});

describe('--setsid as the session leader of a terminal (dumb-init tty_test)', () => {
  it('hands the terminal to the child, ignores the hand-off HUP/CONT once, forwards later ones', async () => {
    const child =
      'trap "echo got HUP" HUP; echo tty=$(tty); set -- $(sed "s/.*) //" /proc/$$/stat); echo "pgrp=$3 tpgid=$6"; echo ready; ' +
      'while :; do sleep 1000 >/dev/null 2>&1 & wait $!; kill $! 2>/dev/null; done';
    // script(1) makes its child a session leader on a new pty; exec makes that tinit.
    const r = start('script', ['-q', '-e', '-c', `exec ${TINIT} -s --setsid -vv -- sh -c '${child}'`, '/dev/null']);
    await r.waitFor('ready');
    expect(r.stdout()).toMatch(/Ignoring tty hand-off signal SIGHUP/);
    expect(r.stdout()).toMatch(/Ignoring tty hand-off signal SIGCONT/);
    expect(r.stdout()).toMatch(/tty=\/dev\/pts\/\d+/);
    const m = /pgrp=(\d+) tpgid=(\d+)/.exec(r.stdout());
    expect(m?.[1]).toBe(m?.[2]);
    const tinit = childOf(r.child.pid as number) as number;
    process.kill(tinit, 'SIGHUP');
    await r.waitFor('got HUP');
  });
});

describe('terminal job control', () => {
  it.each([[[] as string[]], [['--setsid']]])('bash -m has job control under tinit %j', async (flags) => {
    // exec: tinit must lead the session script makes, or no child can take the terminal.
    const r = await run('script', ['-q', '-e', '-c', `exec ${TINIT} -s ${flags.join(' ')} -- bash -m -c 'sleep 0.1 & jobs; wait; echo "flags=$-"'`, '/dev/null']);
    expect(r.stdout).toMatch(/flags=\S*m/);
    expect(r.stdout).toMatch(/\[1\]\+\s+Running/);
    expect(r.stdout).not.toMatch(/no job control|cannot set terminal process group/);
    expect(r.code).toBe(0);
  });

  it('--setsid says why the child gets no terminal when tinit does not lead its session', async () => {
    // The trailing command keeps the shell from exec-ing tinit, so the shell leads the session.
    const r = await run('script', ['-q', '-e', '-c', `${TINIT} -s --setsid -- true; exit $?`, '/dev/null']);
    expect(r.stdout).toMatch(/does not lead its session/);
    expect(r.code).toBe(0);
  });
});
