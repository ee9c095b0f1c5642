// Signal names and numbers, and which ones an init forwards. Inside tinit a signal is a
// number; names exist only at the edges (flags, logs).
import { constants } from 'os';

const byName: Record<string, number> = { ...constants.signals } as Record<string, number>;
const byNumber = new Map<number, string>();
for (const [name, signo] of Object.entries(byName)) {
  // Aliases (SIGIOT = SIGABRT, SIGPOLL = SIGIO): keep the first, conventional name.
  if (!byNumber.has(signo)) byNumber.set(signo, name);
}

export interface RealtimeRange {
  min: number;
  max: number;
}

/** SIGTERM, SIGRTMIN+3 (with the libc's real-time range), or SIG<n> for the unnamed. */
export function signalName(signo: number, rt?: RealtimeRange): string {
  const name = byNumber.get(signo);
  if (name) return name;
  if (rt && signo >= rt.min && signo <= rt.max) return signo === rt.min ? 'SIGRTMIN' : `SIGRTMIN+${signo - rt.min}`;
  return `SIG${signo}`;
}

/** Named signal number by exact name (SIGTERM), or undefined. */
export function signalNumber(name: string): number | undefined {
  return byName[name];
}

/**
 * Synchronous, kernel-generated signals: they concern tinit itself (a fault), so Node's
 * defaults stay (tini and catatonit leave them alone too; tini #104).
 */
export const KERNEL_SIGNALS = ['SIGSEGV', 'SIGBUS', 'SIGFPE', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGSYS'].map(
  (n) => byName[n] as number,
);

/** Job-control reads and writes from the background: ignored, so tinit never stops on a tty. */
export const TTY_SIGNALS = [byName.SIGTTIN as number, byName.SIGTTOU as number];

/** Every signal that goes on to the child: all catchable ones except CHLD (reaping), the
 * kernel's faults, TTIN/TTOU, and PIPE (tinit's own EPIPE writes raise it and it cannot be
 * told apart from a sent one; node-pid1.md §2), plus the real-time range. */
export function forwardedSignals(rt: RealtimeRange): number[] {
  const excluded = new Set<number>([
    ...KERNEL_SIGNALS,
    ...TTY_SIGNALS,
    byName.SIGCHLD as number,
    byName.SIGPIPE as number,
    byName.SIGKILL as number,
    byName.SIGSTOP as number,
  ]);
  const list: number[] = [];
  for (let signo = 1; signo < 32; signo++) if (!excluded.has(signo)) list.push(signo);
  for (let signo = rt.min; signo <= rt.max; signo++) list.push(signo);
  return list;
}

export const SIGCHLD = byName.SIGCHLD as number;
