// `tinit doctor`: tests the init that is actually PID 1 (or the nearest subreaper) from inside
// the container, one verdict per check, each with what goes wrong in production on failure.
import fs = require('fs');
import type { NativeBinding } from '../native/binding';
import { identify, type Identity } from './identify';
import { commandOf } from './ps';
import { fdFlags, hasSignal, O_NONBLOCK, readProcessTable, readSignalMasks, type ProcInfo } from './proc';
import { measureReaping, sleepMs, type ReapResult } from './zombie-factory';

export type Verdict = 'pass' | 'warn' | 'fail' | 'info';

export interface Check {
  id: 'pid1' | 'reaping' | 'signals' | 'stdio' | 'zombies';
  verdict: Verdict;
  /** What was found. */
  finding: string;
  /** What goes wrong in production (warn and fail only). */
  consequence?: string;
}

export interface DoctorReport {
  pid1: (Identity & { command: string }) | null;
  checks: Check[];
  reaping: ReapResult | null;
  ok: boolean;
}

const SIGTERM = 15;

function checkPid1(init: ProcInfo | undefined, who: Identity | null): Check {
  if (!init || !who) {
    return { id: 'pid1', verdict: 'warn', finding: "PID 1 is not visible: this /proc is not the container's PID namespace", consequence: 'the checks below may test the wrong init' };
  }
  const command = commandOf(init);
  switch (who.kind) {
    case 'init':
      return { id: 'pid1', verdict: 'pass', finding: `PID 1 is ${who.name}, an init written for the job (${command})` };
    case 'supervisor':
      return { id: 'pid1', verdict: 'pass', finding: `PID 1 is ${who.name}, a supervisor that acts as init (${command})` };
    case 'shell':
      return {
        id: 'pid1',
        verdict: 'fail',
        finding: `PID 1 is a shell (${command})`,
        consequence: 'a shell neither forwards docker stop\'s SIGTERM to its children nor reliably reaps orphans; exec the app, or put an init in front',
      };
    case 'app':
      return {
        id: 'pid1',
        verdict: 'fail',
        finding: `PID 1 is ${who.name}, an application not written to be PID 1 (${command})`,
        consequence: 'orphans it does not wait for stay zombies, and signals it has no handler for are dropped by the kernel; use docker run --init or an init ENTRYPOINT',
      };
  }
}

function checkReaping(r: ReapResult): Check {
  const by = r.reaper ? `pid ${r.reaper.pid} (${r.reaper.name})` : 'their new parent';
  if (r.reapMs !== null) {
    return { id: 'reaping', verdict: 'pass', finding: `${r.made} orphans were re-parented to ${by} and reaped in ${r.reapMs} ms` };
  }
  return {
    id: 'reaping',
    verdict: 'fail',
    finding: `${r.made - r.reaped} of ${r.made} orphans re-parented to ${by} were still zombies after ${r.timeoutMs} ms`,
    consequence: 'zombies pile up until the pid limit is reached, then fork() fails and the container stops working',
  };
}

function checkSignals(who: Identity | null): Check {
  const masks = readSignalMasks(1);
  if (!masks || !who) return { id: 'signals', verdict: 'warn', finding: "PID 1's signal state is not readable", consequence: 'whether docker stop works is unknown' };
  const noStop = "docker stop waits its full timeout (10 s), then SIGKILLs everything: no graceful shutdown";
  if (hasSignal(masks.ignored, SIGTERM)) {
    return { id: 'signals', verdict: 'fail', finding: `PID 1 (${who.name}) ignores SIGTERM`, consequence: noStop };
  }
  const caught = hasSignal(masks.caught, SIGTERM);
  // A blocked signal is queued for a namespace's init and collected with sigwait/signalfd
  // (catatonit); a default one is dropped by the kernel (pid_namespaces(7)). While a process
  // sits in sigtimedwait(2) (tini), the kernel shows the waited-for signals as unblocked, so
  // the wait itself (wchan) counts as collecting.
  const blocked = hasSignal(masks.blocked, SIGTERM) || waitsForSignals(1);
  if (!caught && !blocked) {
    return {
      id: 'signals',
      verdict: 'fail',
      finding: `PID 1 (${who.name}) neither handles nor collects SIGTERM, and the kernel drops such signals sent to a namespace's init`,
      consequence: noStop,
    };
  }
  const how = caught ? 'catches SIGTERM' : 'collects SIGTERM (blocked or waited for with sigtimedwait/signalfd)';
  if (who.kind === 'init' || who.kind === 'supervisor') {
    return { id: 'signals', verdict: 'pass', finding: `PID 1 (${who.name}) ${how} and passes it on to the processes it runs` };
  }
  if (who.kind === 'shell') {
    return {
      id: 'signals',
      verdict: 'warn',
      finding: `PID 1 (${who.name}) ${how}, but a shell runs its trap only after the current foreground command ends`,
      consequence: 'the app it started may never see SIGTERM and be SIGKILLed at the docker stop timeout',
    };
  }
  return {
    id: 'signals',
    verdict: 'warn',
    finding: `PID 1 (${who.name}) ${how} itself; nothing passes it on to other processes`,
    consequence: 'children it started get no SIGTERM and are SIGKILLed when it exits; under Node, an app with no SIGTERM listener ignores docker stop until the timeout',
  };
}

function waitsForSignals(pid: number): boolean {
  try {
    return /sigtimedwait|sigsuspend/.test(fs.readFileSync(`/proc/${pid}/wchan`, 'latin1'));
  } catch {
    return false;
  }
}

function checkStdio(): Check {
  const problems: string[] = [];
  let readable = 0;
  for (const [who, pid] of [['PID 1', 1], ['this process', 'self']] as const) {
    for (const fd of [0, 1, 2]) {
      const flags = fdFlags(pid, fd);
      if (flags === undefined) continue;
      readable++;
      if (flags & O_NONBLOCK) problems.push(`${who} fd ${fd}`);
    }
  }
  if (problems.length > 0) {
    return {
      id: 'stdio',
      verdict: 'fail',
      finding: `O_NONBLOCK is set on ${problems.join(', ')}`,
      consequence: 'every process sharing these pipes gets EAGAIN when they are full: log lines lost, "write error: Resource temporarily unavailable"',
    };
  }
  return { id: 'stdio', verdict: 'pass', finding: `fds 0-2 are blocking (${readable} checked)` };
}

function checkZombies(before: Map<number, ProcInfo>, after: Map<number, ProcInfo>, exclude: Set<number>): Check {
  // Only zombies seen in both snapshots count: a zombie that lasts microseconds is normal.
  const lasting = [...after.values()].filter(
    (p) => p.state === 'Z' && !exclude.has(p.pid) && before.get(p.pid)?.state === 'Z' && before.get(p.pid)?.startTime === p.startTime,
  );
  if (lasting.length === 0) return { id: 'zombies', verdict: 'pass', finding: 'no lasting zombies' };
  const byParent = new Map<number, number>();
  for (const z of lasting) byParent.set(z.ppid, (byParent.get(z.ppid) ?? 0) + 1);
  const parts = [...byParent].map(([ppid, n]) => {
    const parent = after.get(ppid);
    return `${n} under pid ${ppid} (${parent ? identify(parent).name : '?'})`;
  });
  const underInit = byParent.has(1);
  return {
    id: 'zombies',
    verdict: 'fail',
    finding: `${lasting.length} zombies: ${parts.join(', ')}`,
    consequence: underInit
      ? 'PID 1 is not reaping: every orphan that exits stays in the process table'
      : 'their living parent never calls wait(); no init can reap them until it exits: fix that program',
  };
}

export function runDoctor(native: NativeBinding, orphans = 20, timeoutMs = 2000): DoctorReport {
  const ticks = native.clockTicks();
  const before = readProcessTable(ticks);
  const init = before.get(1);
  const who = init ? identify(init) : null;
  const began = performance.now();
  const reaping = measureReaping(native, orphans, timeoutMs);
  // Zombies must outlast a tenth of a second to count as left behind.
  const waited = performance.now() - began;
  if (waited < 100) sleepMs(100 - waited);
  const after = readProcessTable(ticks);
  const checks = [
    checkPid1(init, who),
    checkReaping(reaping),
    checkSignals(who),
    checkStdio(),
    checkZombies(before, after, new Set(reaping.pids)),
  ];
  return {
    pid1: init && who ? { ...who, command: commandOf(init) } : null,
    checks,
    reaping,
    ok: checks.every((c) => c.verdict !== 'fail'),
  };
}

const LABEL: Record<Verdict, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', info: 'INFO' };

export function renderDoctor(report: DoctorReport, paint: (verdict: Verdict, text: string) => string): string {
  const lines = report.checks.map((c) => {
    const tail = c.consequence && c.verdict !== 'pass' ? ` — ${c.consequence}` : '';
    return `${paint(c.verdict, LABEL[c.verdict])}  ${c.id.padEnd(8)} ${c.finding}${tail}`;
  });
  return `${lines.join('\n')}\n`;
}
