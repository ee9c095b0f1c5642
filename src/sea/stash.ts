// Variables that Node's own JavaScript acts on before the single file's first line runs, and
// that the binary rename (scripts/rename-env.mjs) cannot reach because the JavaScript reads them
// by name through process.env. When one is set, the file re-executes itself with them moved
// aside; wrapper-env.ts puts them back, unchanged, for every child.
import { STASHED_PREFIX } from '../boot/wrapper-env';

export const JS_READ_VARIABLES = [
  'NODE_DEBUG', // debuglog output through process.stderr: O_NONBLOCK on a shared pipe
  'NODE_CHANNEL_FD', // an IPC channel to whoever set it, holding the event loop
  'NODE_CHANNEL_SERIALIZATION_MODE',
  'NODE_UNIQUE_ID', // would make PID 1 a cluster worker
  'NODE_V8_COVERAGE', // coverage collection in PID 1
];

/** The environment for the clean re-execution: the named variables renamed TINIT_STASHED_*. */
export function stashedEnvironment(env: NodeJS.ProcessEnv, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    out.push(names.includes(key) ? `${STASHED_PREFIX}${key}=${value}` : `${key}=${value}`);
  }
  return out;
}
