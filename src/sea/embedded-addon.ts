// The single file's addon. Node loads an addon only from a file (dlopen(3)), so the embedded
// tinit.node is written to a private directory (mkdtemp: mode 0700, unguessable name), loaded,
// and removed at once: the mapping outlives the name, and nothing is left behind.
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

export function loadEmbeddedAddon(env: NodeJS.ProcessEnv = process.env): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sea = require('node:sea') as { getRawAsset(key: string): ArrayBuffer };
  const bytes = new Uint8Array(sea.getRawAsset('tinit.node'));
  const failures: string[] = [];
  for (const dir of addonDirectories(env)) {
    let privateDir: string | undefined;
    try {
      privateDir = fs.mkdtempSync(path.join(dir, 'tinit-'));
      const file = path.join(privateDir, 'tinit.node');
      fs.writeFileSync(file, bytes, { mode: 0o700 });
      const module = { exports: {} as unknown };
      process.dlopen(module, file, os.constants.dlopen.RTLD_NOW);
      return module.exports;
    } catch (err) {
      failures.push(`${dir} ${failureReason(err)}`);
    } finally {
      if (privateDir !== undefined) fs.rmSync(privateDir, { recursive: true, force: true });
    }
  }
  throw new Error(
    `cannot load the embedded addon: no writable directory that allows executable mappings (${failures.join(', ')}); ` +
      'mount one (docker run --tmpfs /tmp:exec) or name one in TINIT_ADDON_DIR',
  );
}
