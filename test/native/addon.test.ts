// The addon's contract against real processes: errors shaped like Node's, spawn steps, reap,
// kill, prctl knobs, and signal capture with the sender's pid.
import * as fs from 'fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNative, type ChildExit, type SpawnSpec } from '../../src/native/binding';

const native = loadNative();
const spawned: number[] = [];
afterAll(() => {
  for (const pid of spawned) native.kill(pid, 9);
  native.reap();
});

const spec = (file: string, args: string[] = [], extra: Partial<SpawnSpec> = {}): SpawnSpec => ({
  file,
  candidates: [file],
  argv: [file, ...args],
  envp: ['PATH=/usr/bin:/bin'],
  ...extra,
});

/** Waits (bounded) until `pid` has been reaped, collecting other exits on the way. */
async function reapUntil(pid: number, timeoutMs = 5000): Promise<ChildExit> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = native.reap().find((e) => e.pid === pid);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`pid ${pid} not reaped within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('spawn', () => {
  it('returns the pid of a child that ran, and reap reports its exit and rusage', async () => {
    const pid = native.spawn(spec('/bin/sh', ['-c', 'exit 9']));
    const exit = await reapUntil(pid);
    expect(exit).toMatchObject({ pid, exitCode: 9, signal: null, core: false });
    expect(exit.rusage.maxRssKb).toBeGreaterThan(0);
  });

  it('reports a signal death with the signal number', async () => {
    const pid = native.spawn(spec('/bin/sh', ['-c', 'kill -TERM $$']));
    expect(await reapUntil(pid)).toMatchObject({ exitCode: null, signal: 15 });
  });

  it('throws ENOENT for a missing program, shaped like a Node system error', () => {
    let caught: unknown;
    try {
      native.spawn(spec('/nonexistent/prog'));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(caught).toMatchObject({ code: 'ENOENT', errno: -2, syscall: 'execve', path: '/nonexistent/prog' });
    expect((caught as Error).message).toBe("ENOENT: no such file or directory, execve '/nonexistent/prog'");
    // The failed child was collected by spawn itself: nothing is left for the reaper.
    expect(native.reap().length).toBe(0);
  });

  it('throws EACCES for a directory, and tries every candidate as execvp does', () => {
    expect(() => native.spawn(spec('/etc'))).toThrow(expect.objectContaining({ code: 'EACCES', syscall: 'execve' }));
    const pid = native.spawn({ ...spec('sh', ['-c', 'exit 0']), candidates: ['/nonexistent/sh', '/etc', '/bin/sh'] });
    expect(pid).toBeGreaterThan(0);
    spawned.push(pid);
  });

  it('names the failed step: chdir', () => {
    expect(() => native.spawn(spec('/bin/true', [], { cwd: '/nonexistent-dir' }))).toThrow(
      expect.objectContaining({ code: 'ENOENT', syscall: 'chdir', path: '/nonexistent-dir' }),
    );
  });

  it('puts the child in its own process group, applies cwd, umask and the nofile limit', async () => {
    const out = `/tmp/tinit-native-${process.pid}`;
    const fd = fs.openSync(out, 'w');
    const script = 'echo "$(cut -d" " -f5 /proc/$$/stat) $$ $(pwd) $(umask) $(ulimit -S -n)"';
    const pid = native.spawn(spec('/bin/sh', ['-c', script], { cwd: '/tmp', umask: 0o27, nofileSoft: 321, stdio: [0, fd, 2] }));
    fs.closeSync(fd);
    await reapUntil(pid);
    expect(fs.readFileSync(out, 'utf8')).toBe(`${pid} ${pid} /tmp 0027 321\n`);
    fs.unlinkSync(out);
  });

  it('places extra fds at their target numbers, even where a source sits on another target', async () => {
    const out = `/tmp/tinit-native-extra-${process.pid}`;
    const fd = fs.openSync(out, 'w');
    const [r1, w1] = native.makePipe();
    const [r2, w2] = native.makePipe();
    // Ask for w1 at w2's number and w2 at w1's: a naive dup2 order would lose one of them.
    const pid = native.spawn(
      // bash: dash's redirections stop at fd 9.
      spec('/bin/bash', ['-c', `echo one >&${w2}; echo two >&${w1}; cd /proc/$$/fd && echo *`], { stdio: [0, fd, 2], extraFds: [w2, w1, w1, w2] }),
    );
    fs.closeSync(w1);
    fs.closeSync(w2);
    await reapUntil(pid);
    fs.closeSync(fd);
    expect(fs.readFileSync(r1, 'utf8')).toBe('one\n');
    expect(fs.readFileSync(r2, 'utf8')).toBe('two\n');
    fs.closeSync(r1);
    fs.closeSync(r2);
    const fds = fs.readFileSync(out, 'utf8').trim().split(' ').map(Number);
    expect(fds).toEqual(expect.arrayContaining([0, 1, 2, w1, w2]));
    fs.unlinkSync(out);
  });

  it('rejects a malformed spec with a TypeError', () => {
    expect(() => native.spawn({ file: 'x' } as SpawnSpec)).toThrow(TypeError);
  });
});

describe('pipes', () => {
  it('setPipeCapacity enlarges a pipe from either end; a file is no pipe (0)', () => {
    const [r, w] = native.makePipe();
    try {
      expect(native.setPipeCapacity(w, 1 << 20)).toBe(1 << 20);
      expect(native.setPipeCapacity(r, 1 << 17)).toBe(1 << 17);
    } finally {
      fs.closeSync(r);
      fs.closeSync(w);
    }
    const file = fs.openSync('/dev/null', 'r');
    expect(native.setPipeCapacity(file, 1 << 20)).toBe(0);
    fs.closeSync(file);
  });
});

describe('kill, prctl and terminal helpers', () => {
  it('kill returns false for a pid that is gone, true for a live one', async () => {
    const pid = native.spawn(spec('/bin/sleep', ['10']));
    expect(native.kill(pid, 0)).toBe(true);
    expect(native.kill(-pid, 9)).toBe(true); // its process group
    expect(await reapUntil(pid)).toMatchObject({ signal: 9 });
    expect(native.kill(pid, 0)).toBe(false);
  });

  it('sets and reads the subreaper bit and the parent-death signal', () => {
    native.setChildSubreaper(true);
    expect(native.isChildSubreaper()).toBe(true);
    native.setChildSubreaper(false);
    expect(native.isChildSubreaper()).toBe(false);
    native.setParentDeathSignal(10);
    expect(native.getParentDeathSignal()).toBe(10);
    native.setParentDeathSignal(0);
  });

  it('getForegroundGroup fails with ENOTTY off a terminal; getProcessGroup answers', () => {
    const fd = fs.openSync('/dev/null', 'r');
    expect(() => native.getForegroundGroup(fd)).toThrow(expect.objectContaining({ code: 'ENOTTY', syscall: 'tcgetpgrp' }));
    fs.closeSync(fd);
    expect(native.getProcessGroup(0)).toBe(native.getProcessGroup(process.pid));
  });

  it('exposes the libc real-time range', () => {
    expect(native.SIGRTMIN).toBeGreaterThanOrEqual(32);
    expect(native.SIGRTMAX).toBeGreaterThan(native.SIGRTMIN);
  });
});

describe('signal capture', () => {
  it('delivers a real-time signal and SIGCHLD with the sender pid', async () => {
    const got: number[][] = [];
    native.startSignalCapture((records) => got.push(Array.from(records)));
    native.catchSignals([native.SIGRTMIN + 5, 17]);
    const pid = native.spawn(spec('/bin/sh', ['-c', `kill -${native.SIGRTMIN + 5} ${process.pid}`]));
    const deadline = Date.now() + 5000;
    while (!got.flat().includes(17) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const pairs = got.flatMap((batch) => batch.flatMap((v, i) => (i % 2 === 0 ? [[v, batch[i + 1]]] : [])));
    expect(pairs).toContainEqual([native.SIGRTMIN + 5, pid]);
    expect(pairs).toContainEqual([17, pid]);
    await reapUntil(pid);
    native.setSignalDisposition([native.SIGRTMIN + 5, 17], 'default');
    native.setSignalCaptureRef(false);
  });

  it('refuses a second start in the same process', () => {
    expect(() => native.startSignalCapture(() => undefined)).toThrow(/already started/);
  });
});
