// What bin/tinit's shell prologue learned before Node started, and the environment to hand
// on. The prologue runs before Node because only then can these be known:
// - the environment exactly as tinit received it: a stopped copy of the prologue shell holds
//   it (its /proc/<pid>/environ), because the shell's own exec rebuilds the environment from
//   its variables and drops names such as `a.b` or `BASH_FUNC_f%%`;
// - the fds tinit inherited (Node marks them close-on-exec alongside its own, node-pid1.md §4);
// - the open-files soft limit (Node raises it to the hard limit before any JS runs);
// and it keeps NODE_OPTIONS and friends away from tinit's own Node.
import fs = require('fs');
import type { NativeBinding } from '../native/binding';
import { readStat } from '../proc-stat';

/** Fallback only: variables the prologue moved aside, when the environment copy is missing. */
export const STASHED_PREFIX = 'TINIT_STASHED_';
const BOOKKEEPING = new Set(['TINIT_INHERITED_FDS', 'TINIT_NOFILE_SOFT', 'TINIT_ENV_PID']);

export interface BootFacts {
  /** NAME=value entries for children, byte for byte as tinit received them. */
  childEnvEntries: Buffer[];
  /** The same, decoded as latin1 (lossless) for tinit's own settings; the first of duplicates. */
  childEnv: Record<string, string>;
  /** Inherited fds >= 3, or null when unknown (tinit was not started through bin/tinit). */
  inheritedFds: number[] | null;
  /** The soft RLIMIT_NOFILE before Node raised it; -1 unlimited; null when unknown. */
  nofileSoft: number | null;
}

/** Splits a NUL-separated block (environ, cmdline) into its strings; an environ has no empty
 * entries, while an empty argument is an argument (`keepEmpty`). */
export function splitEnviron(block: Buffer, keepEmpty = false): Buffer[] {
  const entries: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < block.length; i++) {
    if (block[i] === 0) {
      if (keepEmpty || i > start) entries.push(block.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < block.length) entries.push(block.subarray(start));
  return entries;
}

/** A decoded view of entries: name -> value, the first occurrence of a name winning. */
export function envView(entries: Buffer[]): Record<string, string> {
  const view: Record<string, string> = Object.create(null);
  for (const entry of entries) {
    const text = entry.toString('latin1');
    const eq = text.indexOf('=');
    if (eq <= 0) continue;
    const name = text.slice(0, eq);
    if (!Object.prototype.hasOwnProperty.call(view, name)) view[name] = text.slice(eq + 1);
  }
  return view;
}

/** The prologue's stopped shell, once ended: its pid, for the reaper to collect quietly. */
export let environCopyPid: number | null = null;
let environCopy: Buffer[] | null | undefined;

/**
 * Reads the pristine environment from the prologue's stopped shell and ends that shell. Called
 * first thing in main.ts, before anything can fail, so the shell never outlives a tinit that
 * could not start (it is stopped: nothing else would end it).
 */
export function takeEnvironCopy(env: NodeJS.ProcessEnv = process.env): void {
  if (environCopy !== undefined) return;
  environCopy = null;
  const pidText = env.TINIT_ENV_PID;
  if (pidText === undefined || !/^\d+$/.test(pidText)) return;
  const pid = Number(pidText);
  // Only a child of ours: a stale variable must never make us kill someone else.
  if (readStat(pid)?.ppid !== process.pid) return;
  try {
    environCopy = splitEnviron(fs.readFileSync(`/proc/${pid}/environ`));
  } catch {
    environCopy = null;
  }
  try {
    process.kill(pid, 'SIGKILL');
    environCopyPid = pid;
  } catch {
    // gone already
  }
}

/** The single file has no prologue: its environment block as received (src/sea/stash.ts). */
function singleFileEnviron(): Buffer[] | null {
  if (!(typeof TINIT_SINGLE_FILE !== 'undefined' && TINIT_SINGLE_FILE)) return null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const stash = require('../sea/stash') as typeof import('../sea/stash');
  const environ = stash.ownEnviron();
  return environ ? stash.restoredEnvironment(environ) : null;
}

/** The environment from Node's own view, with the prologue's stash put back (fallback). */
function fromProcessEnv(env: NodeJS.ProcessEnv): Buffer[] {
  const merged: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || BOOKKEEPING.has(key)) continue;
    if (key.startsWith(STASHED_PREFIX)) merged[key.slice(STASHED_PREFIX.length)] = value;
    else if (!Object.prototype.hasOwnProperty.call(merged, key)) merged[key] = value;
  }
  return Object.entries(merged).map(([k, v]) => Buffer.from(`${k}=${v}`));
}

export function readBootFacts(native: NativeBinding, env: NodeJS.ProcessEnv = process.env): BootFacts {
  takeEnvironCopy(env);
  // Collect the killed shell now, so no reaper reports it as an orphan of the container.
  if (environCopyPid !== null) {
    try {
      native.reapPid(environCopyPid);
    } catch {
      // already collected
    }
    environCopyPid = null;
  }
  const entries = environCopy ?? singleFileEnviron() ?? fromProcessEnv(env);
  return {
    childEnvEntries: entries,
    childEnv: envView(entries),
    inheritedFds: parseFdList(env.TINIT_INHERITED_FDS),
    nofileSoft: parseNofile(env.TINIT_NOFILE_SOFT),
  };
}

function parseFdList(text: string | undefined): number[] | null {
  if (text === undefined) return null;
  return text
    .split(/\s+/)
    .filter((word) => /^\d+$/.test(word))
    .map(Number)
    .filter((fd) => fd >= 3)
    .sort((a, b) => a - b);
}

function parseNofile(text: string | undefined): number | null {
  if (text === undefined) return null;
  if (text.trim() === 'unlimited') return -1;
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}

/**
 * Fallback when the prologue did not run: fds >= 3 without close-on-exec are ones Node did not
 * mark (inherited beyond the first gap above fd 15); lower inherited fds cannot be told apart
 * from Node's own and are not passed on.
 */
export function inheritedFdsWithoutPrologue(): number[] {
  const fds: number[] = [];
  let names: string[];
  try {
    names = fs.readdirSync('/proc/self/fd');
  } catch {
    return fds; // no /proc: none can be told apart, so none is passed on
  }
  for (const name of names) {
    const fd = Number(name);
    if (fd < 3) continue;
    try {
      const info = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1');
      const flags = /^flags:\s+([0-7]+)/m.exec(info);
      // O_CLOEXEC is reported in fdinfo's flags (octal 02000000) when close-on-exec is set.
      if (flags && (parseInt(flags[1] as string, 8) & 0o2000000) === 0) fds.push(fd);
    } catch {
      // closed meanwhile (the directory fd of readdirSync itself)
    }
  }
  return fds;
}

/** This process's arguments after the script, as raw bytes (/proc/self/cmdline): argv need
 * not be UTF-8, and process.argv would have replaced invalid bytes. */
export function rawUserArgs(count: number): Buffer[] | null {
  try {
    const all = splitEnviron(fs.readFileSync('/proc/self/cmdline'), true);
    return all.length >= count ? all.slice(all.length - count) : null;
  } catch {
    return null;
  }
}
