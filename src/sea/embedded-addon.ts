// The single file's addon. Node loads an addon only from a file (dlopen(3)), so the embedded
// tinit.node is written to a file with no name (open(2) O_TMPFILE), loaded through
// /proc/self/fd, and closed: nothing is left behind, even if tinit is killed while it starts.
// Where O_TMPFILE is not supported, a private directory (mkdtemp: mode 0700, unguessable name)
// holds it instead, removed as soon as it is loaded (the mapping outlives the name).
import fs = require('fs');
import os = require('os');
import path = require('path');

/** Where to try, in order: the user's choice, then the usual writable places of a container. */
export function addonDirectories(env: NodeJS.ProcessEnv): string[] {
  // Last, the root itself: an image with glibc but no /tmp may still have a writable root.
  const dirs = [env.TINIT_ADDON_DIR, env.TMPDIR, '/tmp', '/dev/shm', '/run', '/var/tmp', '/'];
  const seen = new Set<string>();
  return dirs.filter((d): d is string => d !== undefined && path.isAbsolute(d) && !seen.has(d) && seen.add(d) !== undefined);
}

/** Why a directory could not serve, in a few words. */
export function failureReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  // dlopen reports a noexec mount as a failed mmap of the segment (EPERM), with no code.
  if (/failed to map segment/i.test(e.message ?? '')) return 'mounted noexec';
  switch (e.code) {
    case 'EROFS':
      return 'read-only';
    case 'EACCES':
    case 'EPERM':
      return 'not writable';
    case 'ENOENT':
      return 'missing';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'full';
    default:
      return e.code ?? e.message.split('\n')[0] ?? 'failed';
  }
}

/** O_TMPFILE (open(2)): __O_TMPFILE | O_DIRECTORY, the value of every architecture Node runs
 * on for Linux but alpha, parisc and sparc. Node does not export it. */
const O_TMPFILE = 0o20000000 | fs.constants.O_DIRECTORY;
/** Errors that mean "this file system has no O_TMPFILE": try a named file there instead. */
const NO_TMPFILE = new Set(['EOPNOTSUPP', 'EISDIR', 'EINVAL']);

function dlopen(file: string): unknown {
  const module = { exports: {} as unknown };
  process.dlopen(module, file, os.constants.dlopen.RTLD_NOW);
  return module.exports;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd, bytes, at);
}

/** The addon from a nameless file in `dir`; null when the file system cannot make one. */
function loadUnnamed(dir: string, bytes: Uint8Array): unknown {
  let fd: number;
  try {
    fd = fs.openSync(dir, O_TMPFILE | fs.constants.O_RDWR, 0o700);
  } catch (err) {
    if (NO_TMPFILE.has((err as NodeJS.ErrnoException).code ?? '')) return null;
    throw err;
  }
  try {
    writeAll(fd, bytes);
    if (!fs.existsSync(`/proc/self/fd/${fd}`)) return null; // no /proc to name it by
    return dlopen(`/proc/self/fd/${fd}`);
  } finally {
    fs.closeSync(fd);
  }
}

/** The addon from a file in a private directory of `dir`, removed once loaded. */
function loadNamed(dir: string, bytes: Uint8Array): unknown {
  const privateDir = fs.mkdtempSync(path.join(dir, 'tinit-'));
  try {
    const file = path.join(privateDir, 'tinit.node');
    fs.writeFileSync(file, bytes, { mode: 0o700 });
    return dlopen(file);
  } finally {
    fs.rmSync(privateDir, { recursive: true, force: true });
  }
}

export function loadEmbeddedAddon(env: NodeJS.ProcessEnv = process.env): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sea = require('node:sea') as { getRawAsset(key: string): ArrayBuffer };
  const bytes = new Uint8Array(sea.getRawAsset('tinit.node'));
  const failures: string[] = [];
  for (const dir of addonDirectories(env)) {
    try {
      return loadUnnamed(dir, bytes) ?? loadNamed(dir, bytes);
    } catch (err) {
      failures.push(`${dir} ${failureReason(err)}`);
    }
  }
  throw new Error(
    `cannot load the embedded addon: no writable directory that allows executable mappings (${failures.join(', ')}); ` +
      'mount one (docker run --tmpfs /tmp:exec) or name one in TINIT_ADDON_DIR',
  );
}
