// execvp(3)'s PATH search, done in the parent: execvp itself is not async-signal-safe, so the
// child only tries the candidate paths computed here, in order.

/** glibc's default when PATH is unset (confstr(_CS_PATH)). */
const DEFAULT_PATH = '/bin:/usr/bin';

export function execCandidates(file: string, pathVar: string | undefined): string[] {
  if (file.includes('/') || file === '') return [file];
  const dirs = (pathVar ?? DEFAULT_PATH).split(':');
  // An empty PATH entry means the current directory (execvp(3)).
  return dirs.map((dir) => `${dir === '' ? '.' : dir.replace(/\/+$/, '')}/${file}`);
}
