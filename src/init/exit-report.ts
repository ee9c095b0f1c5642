// --exit-report: what the main child did and what tinit saw, as one JSON object, written when
// tinit exits (to a file, or to stderr for '-').
import fs = require('fs');
import { writeFully } from '../log';
import type { ChildExit } from '../native/binding';
import { signalName, type RealtimeRange } from '../signals/table';

/** A monotonic clock in ms. (The global `performance` loads perf_hooks on first use: about a
 * millisecond at every start.) */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export interface ExitReport {
  program: string | null;
  pid: number | null;
  /** What tinit exits with (after -e). */
  exitCode: number;
  /** The child's own exit status, or null when a signal ended it. */
  childExitStatus: number | null;
  signal: string | null;
  coreDumped: boolean;
  durationMs: number;
  cpu: { userMs: number; systemMs: number };
  maxRssKb: number;
  orphansReaped: number;
  /** Whether descendants left after the grace period had to be killed. */
  leftoversKilled: boolean;
}

export function buildExitReport(
  program: string | null,
  main: ChildExit | null,
  exitCode: number,
  startedAt: number,
  orphansReaped: number,
  leftoversKilled: boolean,
  rt: RealtimeRange,
): ExitReport {
  return {
    program,
    pid: main?.pid ?? null,
    exitCode,
    childExitStatus: main?.exitCode ?? null,
    signal: main?.signal != null ? signalName(main.signal, rt) : null,
    coreDumped: main?.core ?? false,
    durationMs: Math.round((monotonicMs() - startedAt) * 10) / 10,
    cpu: { userMs: main?.rusage.userMs ?? 0, systemMs: main?.rusage.systemMs ?? 0 },
    maxRssKb: main?.rusage.maxRssKb ?? 0,
    orphansReaped,
    leftoversKilled,
  };
}

/** Writes the report; a failure is reported on stderr and never changes the exit code. */
export function writeExitReport(target: string, report: ExitReport): string | undefined {
  const text = `${JSON.stringify(report)}\n`;
  if (target === '-') {
    writeFully(2, text);
    return undefined;
  }
  try {
    fs.writeFileSync(target, text);
    return undefined;
  } catch (err) {
    return `could not write the exit report to ${target}: ${(err as Error).message}`;
  }
}
