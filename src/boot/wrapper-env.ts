// What bin/tinit's shell prologue learned before Node started, and the environment to hand
// on. The prologue runs before Node because only then can these be known:
// - the fds tinit inherited (Node marks them close-on-exec alongside its own, node-pid1.md §4);
// - the open-files soft limit (Node raises it to the hard limit before any JS runs);
// - NODE_OPTIONS and friends, which must not reach tinit's own Node but must reach children.
import * as fs from 'fs';

/** Variables that would change or slow tinit's own Node; stashed by the prologue. */
export const STASHED_PREFIX = 'TINIT_STASHED_';
const FDS_VAR = 'TINIT_INHERITED_FDS';
const NOFILE_VAR = 'TINIT_NOFILE_SOFT';

export interface BootFacts {
  /** The environment for children: as tinit received it, before the prologue touched it. */
  childEnv: NodeJS.ProcessEnv;
  /** Inherited fds >= 3, or null when unknown (tinit was not started through bin/tinit). */
  inheritedFds: number[] | null;
  /** The soft RLIMIT_NOFILE before Node raised it; -1 unlimited; null when unknown. */
  nofileSoft: number | null;
}

export function readBootFacts(env: NodeJS.ProcessEnv = process.env): BootFacts {
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (key === FDS_VAR || key === NOFILE_VAR) continue;
    if (key.startsWith(STASHED_PREFIX)) childEnv[key.slice(STASHED_PREFIX.length)] = value;
    else if (!(key in childEnv)) childEnv[key] = value;
  }
  return {
    childEnv,
    inheritedFds: parseFdList(env[FDS_VAR]),
    nofileSoft: parseNofile(env[NOFILE_VAR]),
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
  for (const name of fs.readdirSync('/proc/self/fd')) {
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
