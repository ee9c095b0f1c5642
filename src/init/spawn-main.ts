// Builds the spawn spec for the main child from what the user asked and what boot learned.
import { inheritedFdsWithoutPrologue, rawUserArgs, type BootFacts } from '../boot/wrapper-env';
import type { NativeBinding, SpawnSpec } from '../native/binding';
import { execCandidates } from './path-search';

/**
 * The child takes the terminal only when tinit holds it: as PID 1 under `docker run -t`, or in
 * a shell's foreground. From a background job it would steal the shell's terminal.
 */
export function shouldTakeForeground(native: NativeBinding): boolean {
  // tcgetpgrp fails with ENOTTY when fd 0 is no terminal. (tty.isatty would load Node's net
  // module, milliseconds at every start.)
  try {
    return native.getForegroundGroup(0) === native.getProcessGroup(0);
  } catch {
    return false;
  }
}

/** The program and its arguments as the bytes tinit was given, when they can be matched to
 * what the command line parser saw; else the parsed strings. */
function rawCommand(program: string, args: string[]): Buffer[] | string[] {
  const decoded = [program, ...args];
  // Node decodes argv as UTF-8 and puts U+FFFD for bytes that are not: without one, the
  // strings are the bytes, and /proc need not be read before the child starts.
  if (!decoded.some((arg) => arg.includes('\uFFFD'))) return decoded;
  const raw = rawUserArgs(process.argv.length - 2)?.slice(-(args.length + 1));
  if (raw && raw.length === decoded.length && raw.every((b, i) => b.toString('utf8') === decoded[i])) return raw;
  return decoded;
}

export function mainChildSpec(program: string, args: string[], boot: BootFacts, native: NativeBinding): SpawnSpec {
  const argv = rawCommand(program, args);
  // PATH search on latin1 text, which maps bytes 1:1, so a non-UTF-8 name survives.
  const file = typeof argv[0] === 'string' ? Buffer.from(argv[0]) : (argv[0] as Buffer);
  const candidates = execCandidates(file.toString('latin1'), boot.childEnv.PATH).map((c) => Buffer.from(c, 'latin1'));
  const spec: SpawnSpec = {
    file: program,
    candidates,
    argv,
    envp: boot.childEnvEntries,
    stdio: [0, 1, 2],
    keepFds: boot.inheritedFds ?? inheritedFdsWithoutPrologue(),
    newProcessGroup: true,
    foreground: shouldTakeForeground(native),
  };
  if (boot.nofileSoft !== null) spec.nofileSoft = boot.nofileSoft;
  return spec;
}
