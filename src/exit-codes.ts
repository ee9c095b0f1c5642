// tinit's own exit codes, apart from the child's status it passes through (0-255, 128+N).
// The table is documented in README.md; tests assert on it.

/** Bad usage or an internal failure before the child ran (tini's code for both). */
export const EXIT_USAGE = 1;
/** The program exists but could not be executed (EACCES), as sh and tini report it. */
export const EXIT_NOT_EXECUTABLE = 126;
/** The program was not found (ENOENT), as sh and tini report it. */
export const EXIT_NOT_FOUND = 127;

/** The shell convention for a child's end: its exit status, or 128+N when signal N killed it. */
export function statusCode(exitCode: number | null, signal: number | null): number {
  if (exitCode !== null) return exitCode & 0xff;
  if (signal !== null) return (128 + signal) & 0xff;
  return EXIT_USAGE;
}

/** The exit code for a program that could not be started, by errno code (tini's mapping). */
export function execFailureCode(code: string): number {
  if (code === 'ENOENT') return EXIT_NOT_FOUND;
  if (code === 'EACCES') return EXIT_NOT_EXECUTABLE;
  return EXIT_USAGE;
}
