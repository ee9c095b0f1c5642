// What a service's process is started with: its environment (tinit's own, byte for byte, with
// env_file and environment on top) and the native spawn spec. Pure but for reading env files
// and /etc/passwd.
import { execCandidates } from '../init/path-search';
import type { SpawnSpec } from '../native/binding';
import { readEnvFiles, type ServiceSpec } from './model';
import { resolveCredentials } from './users';

const SIGTERM = 15;

/** tinit's environment entries with the service's settings replacing same-named ones. */
export function serviceEnvironment(base: readonly Buffer[], spec: ServiceSpec, extra: Array<[string, string]> = []): Buffer[] {
  const overrides = [...readEnvFiles(spec.envFiles), ...spec.environment, ...extra];
  const names = new Set(overrides.map(([k]) => k));
  const kept = base.filter((e) => {
    const eq = e.indexOf(61); // '='
    return !names.has(e.subarray(0, eq < 0 ? e.length : eq).toString('latin1'));
  });
  const last = new Map(overrides);
  return [...kept, ...[...last].map(([k, v]) => Buffer.from(`${k}=${v}`))];
}

export function serviceSpawnSpec(spec: ServiceSpec, argv: string[], stdio: [number, number, number], envp: Buffer[], nofileSoft: number | null): SpawnSpec {
  const path = envp.map((e) => e.toString('latin1')).find((e) => e.startsWith('PATH='))?.slice(5);
  const s: SpawnSpec = {
    file: argv[0] as string,
    candidates: execCandidates(argv[0] as string, path),
    argv,
    envp,
    stdio,
    keepFds: [],
    newProcessGroup: true,
    // Not PID 1: if tinit dies, its services must not run on unsupervised.
    pdeathsig: process.pid === 1 ? 0 : SIGTERM,
  };
  if (spec.cwd) s.cwd = spec.cwd;
  if (spec.umask !== null) s.umask = spec.umask;
  if (nofileSoft !== null) s.nofileSoft = nofileSoft;
  if (spec.user !== null) {
    const { uid, gid } = resolveCredentials(spec.user, spec.group);
    // Supplementary groups go first (root's would otherwise stay), then gid, then uid.
    Object.assign(s, { uid, gid, groups: [gid] });
  } else if (spec.group !== null) {
    const { gid } = resolveCredentials(String(process.getuid?.() ?? 0), spec.group);
    Object.assign(s, { gid, groups: [gid] });
  }
  return s;
}
