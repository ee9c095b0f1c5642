// Builds the spawn spec for the main child from what the user asked and what boot learned.
import { isatty } from 'tty';
import { inheritedFdsWithoutPrologue, type BootFacts } from '../boot/wrapper-env';
import type { NativeBinding, SpawnSpec } from '../native/binding';
import { execCandidates } from './path-search';

export function envList(env: NodeJS.ProcessEnv): string[] {
  const list: string[] = [];
  for (const [key, value] of Object.entries(env)) if (value !== undefined) list.push(`${key}=${value}`);
  return list;
}

/**
 * The child takes the terminal only when tinit holds it: as PID 1 under `docker run -t`, or in
 * a shell's foreground. From a background job it would steal the shell's terminal.
 */
export function shouldTakeForeground(native: NativeBinding): boolean {
  if (!isatty(0)) return false;
  try {
    return native.getForegroundGroup(0) === native.getProcessGroup(0);
  } catch {
    return false;
  }
}

export function mainChildSpec(program: string, args: string[], boot: BootFacts, native: NativeBinding): SpawnSpec {
  const spec: SpawnSpec = {
    file: program,
    candidates: execCandidates(program, boot.childEnv.PATH),
    argv: [program, ...args],
    envp: envList(boot.childEnv),
    stdio: [0, 1, 2],
    keepFds: boot.inheritedFds ?? inheritedFdsWithoutPrologue(),
    newProcessGroup: true,
    foreground: shouldTakeForeground(native),
  };
  if (boot.nofileSoft !== null) spec.nofileSoft = boot.nofileSoft;
  return spec;
}
