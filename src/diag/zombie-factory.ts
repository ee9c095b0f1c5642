// `tinit zombies`: make orphans and watch who reaps them and how fast; optionally hold zombies
// under a living parent, the case no init can fix.
import { readStat } from '../proc-stat';
import type { NativeBinding } from '../native/binding';
import { identify } from './identify';
import { commandOf } from './ps';
import { bootTime, readProcess } from './proc';

export interface ReapResult {
  made: number;
  pids: number[];
  /** Who the orphans were re-parented to, when seen before they were reaped. */
  reaper: { pid: number; command: string; name: string } | null;
  reaped: number;
  /** Time from the orphans' exit until the last was reaped, or null if some never were. */
  reapMs: number | null;
  timeoutMs: number;
  leftZombies: number;
}

const pause = new Int32Array(new SharedArrayBuffer(4));
/** Sleeps the calling thread (a diagnostic command may block; PID 1 never runs this). */
export const sleepMs = (ms: number) => Atomics.wait(pause, 0, 0, ms);

const state = (pid: number): string | undefined => readStat(pid)?.state;

/** Which process adopts our orphans: one orphan lingers long enough to show its new parent. */
export function findReaper(native: NativeBinding): ReapResult['reaper'] {
  const [pid] = native.makeOrphans(1, 300);
  const ticks = native.clockTicks();
  const booted = bootTime();
  const info = pid !== undefined ? readProcess(pid, ticks, booted) : undefined;
  if (!info) return null;
  const parent = readProcess(info.ppid, ticks, booted);
  return { pid: info.ppid, command: parent ? commandOf(parent) : 'outside this namespace', name: parent ? identify(parent).name : '?' };
}

/** Makes `count` orphans and measures how long the reaper takes to collect all of them. */
export function measureReaping(native: NativeBinding, count: number, timeoutMs: number): ReapResult {
  const reaper = findReaper(native);
  const pids = native.makeOrphans(count);
  const start = performance.now();
  let left = pids;
  let end = start;
  while (left.length > 0 && performance.now() - start < timeoutMs) {
    left = left.filter((pid) => state(pid) !== undefined);
    end = performance.now();
    if (left.length > 0) sleepMs(0.2);
  }
  const zombies = left.filter((pid) => state(pid) === 'Z').length;
  return {
    made: pids.length,
    pids,
    reaper,
    reaped: pids.length - left.length,
    reapMs: left.length === 0 ? Math.round((end - start) * 100) / 100 : null,
    timeoutMs,
    leftZombies: zombies,
  };
}

export function describeReaping(r: ReapResult): string[] {
  const lines = [`Made ${r.made} orphans; they exited at once.`];
  if (r.reaper) lines.push(`They were re-parented to pid ${r.reaper.pid} (${r.reaper.name}: ${r.reaper.command}).`);
  if (r.reapMs !== null) {
    lines.push(`All ${r.made} were reaped in ${r.reapMs} ms.`);
  } else {
    lines.push(
      `After ${r.timeoutMs} ms, ${r.made - r.reaped} were not reaped (${r.leftZombies} zombies). Their new parent does not call wait():`,
      'run an init as PID 1 (tinit, tini, docker run --init), or make one a subreaper (tinit -s).',
    );
  }
  return lines;
}

export interface HoldResult {
  holder: number;
  zombies: number[];
  seconds: number;
}

export function describeHold(h: HoldResult): string[] {
  return [
    `Holding ${h.zombies.length} zombies (pids ${h.zombies.join(', ')}) under pid ${h.holder}, which is alive and never calls wait().`,
    'No init can reap these: only their parent can. When the parent exits, they pass to the init, which',
    `reaps them at once. The holder exits by itself in ${h.seconds} s (or: kill ${h.holder}).`,
  ];
}
