// Readiness and health probes: tcp connect, http status, a command's exit, a file, a log
// line. Each check answers yes or no within its timeout; the runners below turn answers into
// 'ready' / 'not-ready' / 'health' events for the service machine.
import fs = require('fs');
import http = require('http');
import https = require('https');
import net = require('net');
import type { ProbeKind } from './model';

/** Runs a command for the exec probe and reports its exit code (via tinit's own reaper). */
export type RunCommand = (argv: string[], onExit: (code: number) => void) => { cancel(): void };

export interface CheckContext {
  run: RunCommand;
}

/** One check: calls back once with true (passed) or false. Returns a cancel function. */
export function check(probe: ProbeKind, timeoutMs: number, ctx: CheckContext, done: (ok: boolean) => void): () => void {
  let finished = false;
  const finish = (ok: boolean) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    cleanup();
    done(ok);
  };
  const timer = setTimeout(() => finish(false), timeoutMs);
  let cleanup: () => void = () => undefined;
  switch (probe.kind) {
    case 'tcp': {
      const socket = net.connect({ host: probe.host, port: probe.port }, () => finish(true));
      socket.on('error', () => finish(false));
      cleanup = () => socket.destroy();
      break;
    }
    case 'http': {
      const get = probe.url.startsWith('https:') ? https.get : http.get;
      const req = get(probe.url, (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        finish(probe.statuses ? probe.statuses.includes(status) : status >= 200 && status < 400);
      });
      req.on('error', () => finish(false));
      cleanup = () => req.destroy();
      break;
    }
    case 'exec': {
      const job = ctx.run(probe.argv, (code) => finish(code === 0));
      cleanup = () => job.cancel();
      break;
    }
    case 'file':
      fs.access(probe.path, (err) => finish(err === null));
      break;
    case 'log':
    case 'fd':
    case 'notify':
      // Answered by the service's own pipes (log lines, the notification fd), never by polling.
      break;
  }
  return () => {
    finished = true;
    clearTimeout(timer);
    cleanup();
  };
}

/** Repeats a check every intervalMs until it passes (ready) or the deadline (not ready). */
export function watchReadiness(
  probe: ProbeKind,
  intervalMs: number,
  timeoutMs: number,
  ctx: CheckContext,
  onReady: () => void,
  onTimeout: () => void,
): () => void {
  let stopped = false;
  let cancelCheck: () => void = () => undefined;
  let next: NodeJS.Timeout | undefined;
  const deadline = setTimeout(() => {
    stop();
    onTimeout();
  }, timeoutMs);
  const stop = () => {
    stopped = true;
    clearTimeout(deadline);
    if (next) clearTimeout(next);
    cancelCheck();
  };
  if (probe.kind === 'log' || probe.kind === 'fd' || probe.kind === 'notify') return stop; // the pipes call onReady
  const attempt = () => {
    cancelCheck = check(probe, Math.min(intervalMs * 4, timeoutMs), ctx, (ok) => {
      if (stopped) return;
      if (ok) {
        stop();
        onReady();
      } else {
        next = setTimeout(attempt, intervalMs);
      }
    });
  };
  attempt();
  return stop;
}

/** Checks every intervalMs after the start period; `retries` failures in a row is unhealthy. */
export function watchHealth(
  probe: ProbeKind,
  opts: { intervalMs: number; timeoutMs: number; retries: number; startPeriodMs: number },
  ctx: CheckContext,
  onHealth: (healthy: boolean) => void,
): () => void {
  let stopped = false;
  let failuresInARow = 0;
  let cancelCheck: () => void = () => undefined;
  let next: NodeJS.Timeout | undefined;
  const startedAt = Date.now();
  const attempt = () => {
    cancelCheck = check(probe, opts.timeoutMs, ctx, (ok) => {
      if (stopped) return;
      if (ok) {
        failuresInARow = 0;
        onHealth(true);
      } else if (Date.now() - startedAt >= opts.startPeriodMs && ++failuresInARow >= opts.retries) {
        onHealth(false);
      }
      if (!stopped) next = setTimeout(attempt, opts.intervalMs);
    });
  };
  // As docker does: the first check comes one interval after the start.
  next = setTimeout(attempt, opts.intervalMs);
  return () => {
    stopped = true;
    if (next) clearTimeout(next);
    cancelCheck();
  };
}
