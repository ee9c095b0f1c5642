// Variables that Node's own JavaScript acts on before the single file's first line runs, and
// that the binary rename (scripts/rename-env.mjs) cannot reach because the JavaScript reads them
// by name through process.env. When one is set, the file re-executes itself with them moved
// aside; its children get them back, unchanged.
//
// Both directions work on the bytes of /proc/self: the environment block as the kernel handed
// it (Node's start-up deletes NODE_CHANNEL_FD and NODE_UNIQUE_ID from process.env, and
// process.env would turn bytes that are not UTF-8 into U+FFFD), and argv likewise.
import fs = require('fs');
import { splitEnviron, STASHED_PREFIX } from '../boot/wrapper-env';

export const JS_READ_VARIABLES = [
  'NODE_DEBUG', // debuglog output through process.stderr: O_NONBLOCK on a shared pipe
  'NODE_CHANNEL_FD', // an IPC channel to whoever set it, holding the event loop
  'NODE_CHANNEL_SERIALIZATION_MODE',
  'NODE_UNIQUE_ID', // would make PID 1 a cluster worker
  'NODE_V8_COVERAGE', // coverage collection in PID 1
];

/** Marks the re-executed process: only then are TINIT_STASHED_* entries tinit's own. */
export const REEXEC_MARK = 'TINIT_SINGLE_FILE_REEXEC=1';

const nameOf = (entry: Buffer): string => {
  const eq = entry.indexOf(61);
  return entry.subarray(0, eq < 0 ? entry.length : eq).toString('latin1');
};

function readBlock(file: string, keepEmpty = false): Buffer[] | null {
  try {
    return splitEnviron(fs.readFileSync(file), keepEmpty);
  } catch {
    return null; // no /proc
  }
}

/** The JS-read variables present in this process's environment as it was received. */
export function presentVariables(environ: Buffer[]): string[] {
  const names = new Set(environ.map(nameOf));
  return JS_READ_VARIABLES.filter((name) => names.has(name));
}

/** The environment for the clean re-execution: the named variables renamed TINIT_STASHED_*. */
export function stashedEnvironment(environ: Buffer[], names: readonly string[]): Buffer[] {
  const out = environ.map((entry) => (names.includes(nameOf(entry)) ? Buffer.concat([Buffer.from(STASHED_PREFIX), entry]) : entry));
  return [...out, Buffer.from(REEXEC_MARK)];
}

/** What children get: the received environment, with what the re-execution moved aside put
 * back (a TINIT_STASHED_* the user set passes through as it is). */
export function restoredEnvironment(environ: Buffer[]): Buffer[] {
  const mark = environ.findIndex((entry) => entry.toString('latin1') === REEXEC_MARK);
  if (mark < 0) return environ;
  return environ
    .filter((_, i) => i !== mark)
    .map((entry) => {
      const name = nameOf(entry);
      const original = name.startsWith(STASHED_PREFIX) ? name.slice(STASHED_PREFIX.length) : '';
      return JS_READ_VARIABLES.includes(original) ? entry.subarray(STASHED_PREFIX.length) : entry;
    });
}

/** This process's environment block and argv, as received; null without /proc. */
export const ownEnviron = (): Buffer[] | null => readBlock('/proc/self/environ');
export const ownArgv = (): Buffer[] | null => readBlock('/proc/self/cmdline', true);
