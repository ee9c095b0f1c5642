// `tinit ps`: the process tree of this PID namespace, zombies marked and blamed on the parent
// that does not reap them, and who PID 1 is.
import { isatty } from 'tty';
import { identify, type Identity } from './identify';
import { readProcessTable, userNames, type ProcInfo } from './proc';

export interface PsRow extends ProcInfo {
  user: string;
  zombie: boolean;
  depth: number;
}

export interface PsReport {
  pid1: (Identity & { pid: 1; command: string }) | null;
  processes: PsRow[];
  zombies: Array<{ pid: number; parent: number; parentCommand: string }>;
  /** The kernel answers PR_GET_CHILD_SUBREAPER only for the calling process (prctl(2)), and
   * /proc has no field for it: for other processes it cannot be known from inside. */
  subreaper: { self: boolean; others: 'unknown' };
}

export const commandOf = (p: ProcInfo): string => (p.argv.length > 0 ? p.argv.join(' ') : `[${p.comm}]`);

/** Depth-first order from the roots (PID 1, and processes whose parent is outside). */
function treeOrder(table: Map<number, ProcInfo>): Array<{ p: ProcInfo; depth: number }> {
  const children = new Map<number, ProcInfo[]>();
  const roots: ProcInfo[] = [];
  for (const p of table.values()) {
    if (p.ppid !== 0 && table.has(p.ppid) && p.ppid !== p.pid) {
      const list = children.get(p.ppid) ?? [];
      list.push(p);
      children.set(p.ppid, list);
    } else {
      roots.push(p);
    }
  }
  const order: Array<{ p: ProcInfo; depth: number }> = [];
  const visit = (p: ProcInfo, depth: number) => {
    order.push({ p, depth });
    for (const c of (children.get(p.pid) ?? []).sort((a, b) => a.pid - b.pid)) visit(c, depth + 1);
  };
  for (const r of roots.sort((a, b) => a.pid - b.pid)) visit(r, 0);
  return order;
}

export function buildPsReport(clockTicks: number, selfSubreaper: boolean): PsReport {
  const table = readProcessTable(clockTicks);
  const names = userNames();
  const processes = treeOrder(table).map(({ p, depth }) => ({
    ...p,
    user: names.get(p.uid) ?? String(p.uid),
    zombie: p.state === 'Z',
    depth,
  }));
  const init = table.get(1);
  return {
    pid1: init ? { pid: 1, command: commandOf(init), ...identify(init) } : null,
    processes,
    zombies: processes
      .filter((p) => p.zombie)
      .map((p) => ({ pid: p.pid, parent: p.ppid, parentCommand: table.has(p.ppid) ? commandOf(table.get(p.ppid) as ProcInfo) : 'outside this namespace' })),
    subreaper: { self: selfSubreaper, others: 'unknown' },
  };
}

const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));
/** Local time of day, as ps(1) shows START (TZ applies). */
const time = (seconds: number) => new Date(seconds * 1000).toTimeString().slice(0, 8);

export interface Colours {
  bold(text: string): string;
  red(text: string): string;
  dim(text: string): string;
}

export function colours(fd: number, env: NodeJS.ProcessEnv): Colours {
  const on = isatty(fd) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  const wrap = (code: string) => (text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);
  return { bold: wrap('1'), red: wrap('31'), dim: wrap('2') };
}

export function renderPs(report: PsReport, c: Colours): string {
  const lines: string[] = [];
  if (report.pid1) lines.push(`PID 1: ${report.pid1.command} (${report.pid1.kind}: ${report.pid1.name})`);
  else lines.push('PID 1: not visible (this /proc belongs to another PID namespace)');
  const header = `${pad('PID', 7)} ${pad('PPID', 7)} ${pad('PGID', 7)} ${pad('SID', 7)} S ${pad('USER', 9)} ${pad('START', 8)} COMMAND`;
  lines.push(c.bold(header));
  for (const p of report.processes) {
    const indent = p.depth > 0 ? `${'  '.repeat(p.depth - 1)}└─ ` : '';
    const command = p.zombie ? c.red(`${commandOf(p)} <defunct>`) : commandOf(p);
    const row = `${pad(String(p.pid), 7)} ${pad(String(p.ppid), 7)} ${pad(String(p.pgid), 7)} ${pad(String(p.sid), 7)} ${p.state} ${pad(p.user, 9)} ${time(p.startTime)} ${indent}${command}`;
    lines.push(p.pid === 1 ? c.bold(row) : row);
  }
  lines.push('');
  if (report.zombies.length === 0) {
    lines.push('Zombies: 0');
  } else {
    lines.push(c.red(`Zombies: ${report.zombies.length}`));
    const byParent = new Map<number, { command: string; count: number }>();
    for (const z of report.zombies) {
      const entry = byParent.get(z.parent) ?? { command: z.parentCommand, count: 0 };
      entry.count++;
      byParent.set(z.parent, entry);
    }
    for (const [parent, { command, count }] of byParent) {
      lines.push(`  ${count} not reaped by pid ${parent} (${command})${parent === 1 ? ' — PID 1 is not reaping' : ''}`);
    }
  }
  lines.push(
    `Child subreaper: this tinit ps process ${report.subreaper.self ? 'is' : 'is not'} one; for other processes the kernel does not say (PR_GET_CHILD_SUBREAPER answers only for the caller, and /proc has no field for it).`,
  );
  return `${lines.join('\n')}\n`;
}
