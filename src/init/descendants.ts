// Finding and signalling every descendant of tinit, for --signal-all and the grace period.
// /proc is read afresh each time: pids come and go, and only the kernel's view is current.
import fs = require('fs');
import type { NativeBinding } from '../native/binding';
import { readStat } from '../proc-stat';

export interface ProcEntry {
  pid: number;
  ppid: number;
  pgid: number;
}

function readProcesses(): ProcEntry[] {
  const list: ProcEntry[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const entry = readStat(name); // undefined: exited while we looked
    if (entry) list.push(entry);
  }
  return list;
}

/** Every process below `root` in the process tree. */
export function descendantsOf(root: number, processes: ProcEntry[] = readProcesses()): ProcEntry[] {
  const children = new Map<number, ProcEntry[]>();
  for (const p of processes) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const found: ProcEntry[] = [];
  const stack = [root];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop() as number) ?? []) {
      found.push(child);
      stack.push(child.pid);
    }
  }
  return found;
}

/**
 * Sends signo to every descendant, except `exceptPid` or members of group `exceptGroup`. With
 * `everyone` (as PID 1, when the container ends), kill(-1) reaches every process of the
 * namespace at once (kill(2)), `docker exec` sessions included; otherwise only tinit's own tree.
 */
export function signalDescendants(native: NativeBinding, signo: number, opts: { exceptPid?: number; exceptGroup?: number; everyone?: boolean } = {}): number {
  if (opts.everyone && process.pid === 1) return native.kill(-1, signo) ? -1 : 0;
  let sent = 0;
  for (const p of descendantsOf(process.pid)) {
    if (p.pid === opts.exceptPid || p.pgid === opts.exceptGroup) continue;
    if (native.kill(p.pid, signo)) sent++;
  }
  return sent;
}
