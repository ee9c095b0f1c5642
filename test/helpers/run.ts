// Runs a command as a real process with a hard time bound, kills its whole group when the
// bound or the test ends, and collects what it wrote.
import { spawn, type ChildProcess, type SpawnOptions } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadNative } from '../../src/native/binding';

export const ROOT = path.resolve(__dirname, '..', '..');
export const TINIT = path.join(ROOT, 'bin', 'tinit');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout contains `text` (rejects at the time bound). */
  waitFor(text: string | RegExp, stream?: 'stdout' | 'stderr'): Promise<void>;
  finished: Promise<Finished>;
  kill(): void;
}

const live = new Set<ChildProcess>();

// This test process becomes a child subreaper, so whatever a test leaves behind (an orphaned
// background sleep, a daemon) comes back here and killAll can end it.
loadNative().setChildSubreaper(true);

/** Kills everything the tests of this file started and left running (afterEach). */
export function killAll(): void {
  for (const child of live) killGroup(child);
  live.clear();
  for (const pid of descendants(process.pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** Pids of every live descendant of `root` (tinit puts its child in a group of its own). */
export function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const m = /^PPid:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/${name}/status`, 'utf8'));
      if (m) parents.set(Number(name), Number(m[1]));
    } catch {
      // gone
    }
  }
  const found: number[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const [pid, ppid] of parents) if (frontier.includes(ppid)) next.push(pid);
    found.push(...next);
    frontier = next;
  }
  return found;
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  for (const pid of descendants(child.pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

export function start(command: string, args: string[], options: SpawnOptions & { timeoutMs?: number } = {}): Running {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const child = spawn(command, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'], ...options });
  live.add(child);
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    waiters.forEach((w) => w());
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    waiters.forEach((w) => w());
  });
  const timer = setTimeout(() => killGroup(child), timeoutMs);
  const finished = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      waiters.forEach((w) => w());
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  const matches = (pattern: string | RegExp, text: string) =>
    typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    finished,
    kill: () => killGroup(child),
    waitFor(pattern, stream = 'stdout') {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          const text = stream === 'stdout' ? out : err;
          if (matches(pattern, text)) {
            resolve();
            return true;
          }
          if (child.exitCode !== null || child.signalCode !== null || !live.has(child)) {
            reject(new Error(`process ended before ${stream} showed ${pattern}; stdout: ${out}; stderr: ${err}`));
            return true;
          }
          return false;
        };
        if (check()) return;
        const waiter = () => {
          if (check()) waiters.splice(waiters.indexOf(waiter), 1);
        };
        waiters.push(waiter);
      });
    },
  };
}

/** Runs to completion (bounded) with optional stdin text. */
export async function run(command: string, args: string[], options: SpawnOptions & { timeoutMs?: number; input?: string } = {}): Promise<Finished> {
  const running = start(command, args, options);
  if (options.input !== undefined) running.child.stdin?.end(options.input);
  else running.child.stdin?.end();
  return running.finished;
}

/** `tinit args...` as a subprocess (not PID 1). */
export function runTinit(args: string[], options: SpawnOptions & { timeoutMs?: number; input?: string } = {}): Promise<Finished> {
  return run(TINIT, args, options);
}

/** `tinit args...` as PID 1 of a new PID namespace (root only). */
export const PID1_PREFIX = ['--pid', '--fork', '--mount-proc', '--kill-child', TINIT];

/** The host pid of the process whose parent is `parentPid` (the namespace's PID 1). */
export function childOf(parentPid: number): number | undefined {
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = fs.readFileSync(`/proc/${name}/status`, 'utf8');
      if (new RegExp(`^PPid:\\s+${parentPid}$`, 'm').test(status)) return Number(name);
    } catch {
      // gone
    }
  }
  return undefined;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `pid` exits (is gone or a zombie) within `ms`. */
export async function endedWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    let state: string | undefined;
    try {
      state = /\) (\S)/.exec(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
    } catch {
      return true;
    }
    if (state === 'Z') return true;
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
}

/** Waits (bounded) until `pid` has exec'd `comm`. */
export async function commandBecomes(pid: number, comm: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm) return;
    } catch {
      break;
    }
    await sleep(1);
  }
  throw new Error(`pid ${pid} did not become ${comm}`);
}

/** Whether a command is on PATH (the peers' tests run where CI installed them). */
export function commandExists(bin: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => {
    try {
      fs.accessSync(`${dir}/${bin}`, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
