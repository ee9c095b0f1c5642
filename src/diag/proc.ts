// The process table of this PID namespace, read from /proc only (no ps binary: busybox and
// distroless images have none). Everything here is a snapshot; processes come and go.
import fs = require('fs');
import { readStat } from '../proc-stat';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  /** R, S, D, Z, T... (proc(5)). */
  state: string;
  uid: number;
  /** Seconds since the epoch. */
  startTime: number;
  comm: string;
  /** argv, empty for kernel threads and zombies. */
  argv: string[];
  threads: number;
}

export interface SignalMasks {
  pending: bigint;
  blocked: bigint;
  ignored: bigint;
  caught: bigint;
}

const readText = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch {
    return undefined;
  }
};

/** Boot time in seconds since the epoch (btime in /proc/stat). */
export function bootTime(): number {
  const m = /^btime\s+(\d+)$/m.exec(readText('/proc/stat') ?? '');
  return m ? Number(m[1]) : 0;
}

export function readProcess(pid: number, clockTicks: number, booted: number): ProcInfo | undefined {
  const stat = readStat(pid);
  const status = readText(`/proc/${pid}/status`);
  if (stat === undefined || status === undefined) return undefined;
  const uid = /^Uid:\s+(\d+)/m.exec(status);
  const threads = /^Threads:\s+(\d+)/m.exec(status);
  const cmdline = readText(`/proc/${pid}/cmdline`) ?? '';
  return {
    pid,
    ppid: stat.ppid,
    pgid: stat.pgid,
    sid: stat.sid,
    state: stat.state,
    uid: uid ? Number(uid[1]) : -1,
    startTime: booted + stat.field(22) / clockTicks,
    comm: stat.comm,
    argv: cmdline === '' ? [] : cmdline.replace(/\0$/, '').split('\0'),
    threads: threads ? Number(threads[1]) : 0,
  };
}

/** Every process of this namespace's /proc, by pid. */
export function readProcessTable(clockTicks: number): Map<number, ProcInfo> {
  const booted = bootTime();
  const table = new Map<number, ProcInfo>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProcess(Number(name), clockTicks, booted);
    if (info) table.set(info.pid, info);
  }
  return table;
}

/** SigPnd/SigBlk/SigIgn/SigCgt of a process (readable for any pid we may see). */
export function readSignalMasks(pid: number): SignalMasks | undefined {
  const status = readText(`/proc/${pid}/status`);
  if (status === undefined) return undefined;
  const mask = (name: string) => BigInt(`0x${new RegExp(`^${name}:\\s+([0-9a-f]+)$`, 'm').exec(status)?.[1] ?? '0'}`);
  return { pending: mask('SigPnd'), blocked: mask('SigBlk'), ignored: mask('SigIgn'), caught: mask('SigCgt') };
}

export const hasSignal = (mask: bigint, signo: number): boolean => ((mask >> BigInt(signo - 1)) & 1n) === 1n;

/** The open-file flags of one of a process's fds (fdinfo), or undefined when unreadable. */
export function fdFlags(pid: number | 'self', fd: number): number | undefined {
  const m = /^flags:\s+([0-7]+)$/m.exec(readText(`/proc/${pid}/fdinfo/${fd}`) ?? '');
  return m ? parseInt(m[1] as string, 8) : undefined;
}

export const O_NONBLOCK = 0o4000;

/** uid -> user name from /etc/passwd; numbers where there is no entry (or no file). */
export function userNames(): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of (readText('/etc/passwd') ?? '').split('\n')) {
    const parts = line.split(':');
    if (parts.length >= 3 && /^\d+$/.test(parts[2] as string) && !names.has(Number(parts[2]))) names.set(Number(parts[2]), parts[0] as string);
  }
  return names;
}
