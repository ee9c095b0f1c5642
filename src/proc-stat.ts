// /proc/<pid>/stat, parsed once for everyone (proc(5)). The command sits in parentheses and may
// itself contain ") ", so the fields are counted from the last ')'.
import fs = require('fs');

export interface Stat {
  pid: number;
  comm: string;
  /** R, S, D, Z, T... */
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  /** proc(5)'s field n (numbered from 1, pid) is field(n); for fields not named above. */
  field(n: number): number;
}

export function parseStat(line: string): Stat | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = line.slice(close + 2).split(' ');
  // After the command, field 3 (state) is rest[0].
  const field = (n: number) => Number(rest[n - 3]);
  return { pid: parseInt(line, 10), comm: line.slice(open + 1, close), state: rest[0] as string, ppid: field(4), pgid: field(5), sid: field(6), field };
}

/** The stat of a process, or undefined when it is gone (or was never there). */
export function readStat(pid: number | string): Stat | undefined {
  try {
    return parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return undefined;
  }
}
