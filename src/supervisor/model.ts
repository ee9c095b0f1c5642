// The config file turned into what the supervisor runs: durations in ms, signals as numbers,
// commands as argv, every default filled in. Defaults follow docker compose where it has one.
import fs = require('fs');
import { parseDuration, parseSignal } from '../cli/parse-values';
import type { ConfigFile, ServiceConfig } from '../config/schema';
import { dependenciesOf } from '../config/validate';
import type { RealtimeRange } from '../signals/table';
import type { BackoffPolicy, CrashLoopPolicy } from './backoff';

export type Condition = 'started' | 'ready' | 'healthy' | 'completed_successfully';

export type ProbeKind =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'http'; url: string; statuses: number[] | null }
  | { kind: 'exec'; argv: string[] }
  | { kind: 'file'; path: string }
  | { kind: 'log'; pattern: RegExp }
  /** s6 style: the service writes a newline on this fd when it is ready. */
  | { kind: 'fd'; fd: number }
  /** sd_notify(3): READY=1 on $NOTIFY_SOCKET. */
  | { kind: 'notify' };

export interface ReadinessSpec {
  probe: ProbeKind;
  intervalMs: number;
  timeoutMs: number;
}

export interface HealthSpec {
  probe: ProbeKind;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
  onUnhealthy: 'restart' | 'report';
}

export interface ServiceSpec {
  name: string;
  argv: string[];
  type: 'longrun' | 'oneshot';
  cwd: string | null;
  /** NAME=value entries set on top of the inherited environment (env_file first). */
  environment: Array<[string, string]>;
  envFiles: string[];
  user: string | null;
  group: string | null;
  umask: number | null;
  restart: 'no' | 'on-failure' | 'always' | 'unless-stopped';
  successCodes: number[];
  backoff: BackoffPolicy;
  crashLoop: CrashLoopPolicy;
  dependsOn: Map<string, Condition>;
  readiness: ReadinessSpec | null;
  health: HealthSpec | null;
  stopSignal: number;
  stopGraceMs: number;
  main: boolean;
  onExit: 'shutdown' | 'ignore';
}

export interface SupervisorSpec {
  services: ServiceSpec[];
  stopTimeoutMs: number;
  logFormat: 'text' | 'json';
  /** Services that receive the signals tinit does not act on itself. */
  forwardTo: string[];
}

const dur = (value: string | number | undefined, fallback: number, what: string) =>
  value === undefined ? fallback : parseDuration(String(value), what);

const argvOf = (command: string | string[]) => (typeof command === 'string' ? ['/bin/sh', '-c', command] : command);

function probeOf(p: {
  tcp?: string;
  http?: string | { url: string; status?: number | number[] };
  exec?: string | string[];
  test?: string | string[];
  file?: string;
  log?: string;
  notification_fd?: number;
  notify?: boolean;
}): ProbeKind {
  if (p.notify) return { kind: 'notify' };
  if (p.notification_fd !== undefined) return { kind: 'fd', fd: p.notification_fd };
  if (p.tcp !== undefined) {
    const at = p.tcp.lastIndexOf(':');
    return { kind: 'tcp', host: p.tcp.slice(0, at).replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(p.tcp.slice(at + 1)) };
  }
  if (p.http !== undefined) {
    if (typeof p.http === 'string') return { kind: 'http', url: p.http, statuses: null };
    const s = p.http.status;
    return { kind: 'http', url: p.http.url, statuses: s === undefined ? null : Array.isArray(s) ? s : [s] };
  }
  const command = p.exec ?? p.test;
  if (command !== undefined) {
    // compose's healthcheck forms: ["CMD", prog, args...] and ["CMD-SHELL", "a shell line"].
    if (Array.isArray(command) && command[0] === 'CMD') return { kind: 'exec', argv: command.slice(1) };
    if (Array.isArray(command) && command[0] === 'CMD-SHELL') return { kind: 'exec', argv: ['/bin/sh', '-c', command.slice(1).join(' ')] };
    return { kind: 'exec', argv: argvOf(command) };
  }
  if (p.file !== undefined) return { kind: 'file', path: p.file };
  return { kind: 'log', pattern: new RegExp(p.log as string) };
}

/** KEY=VALUE lines of an env file (compose's format: # comments, optional quotes). */
export function parseEnvFile(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([^=\s]+)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2] as string;
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[1] === '"' ? (quoted[2] as string).replace(/\\n/g, '\n') : (quoted[2] as string);
    out.push([m[1] as string, value]);
  }
  return out;
}

export function readEnvFiles(files: string[]): Array<[string, string]> {
  return files.flatMap((f) => parseEnvFile(fs.readFileSync(f, 'utf8')));
}

function serviceSpec(
  name: string,
  s: ServiceConfig,
  deps: Map<string, Condition>,
  rt: RealtimeRange,
  stopTimeoutMs: number,
  env: Record<string, string>,
): ServiceSpec {
  const at = (key: string) => `services.${name}.${key}`;
  // As compose: `VAR` (list) or `VAR: null` (map) takes tinit's own value, or stays unset.
  const inherit = (key: string): Array<[string, string]> => (Object.prototype.hasOwnProperty.call(env, key) ? [[key, env[key] as string]] : []);
  const environment: Array<[string, string]> = Array.isArray(s.environment)
    ? s.environment.flatMap((e): Array<[string, string]> => {
        const eq = e.indexOf('=');
        return eq < 0 ? inherit(e) : [[e.slice(0, eq), e.slice(eq + 1)]];
      })
    : Object.entries(s.environment ?? {}).flatMap(([k, v]): Array<[string, string]> => (v === null ? inherit(k) : [[k, String(v)]]));
  const [user, group] = s.user?.includes(':') ? s.user.split(':', 2) : [s.user, s.group];
  const onExit = s.on_exit ?? 'ignore';
  return {
    name,
    argv: argvOf(s.command),
    type: s.type ?? 'longrun',
    cwd: s.working_dir ?? null,
    environment,
    envFiles: s.env_file === undefined ? [] : Array.isArray(s.env_file) ? s.env_file : [s.env_file],
    user: user ?? null,
    group: group ?? null,
    umask: s.umask === undefined ? null : parseInt(s.umask, 8),
    restart: onExit === 'restart' ? 'always' : (s.restart ?? 'no'),
    successCodes: s.success_exit_codes ?? [0],
    backoff: {
      initialMs: dur(s.backoff?.initial, 100, at('backoff.initial')),
      factor: s.backoff?.factor ?? 2,
      maxMs: dur(s.backoff?.max, 30_000, at('backoff.max')),
      jitter: s.backoff?.jitter ?? 0.1,
      resetAfterMs: dur(s.backoff?.reset_after, 60_000, at('backoff.reset_after')),
    },
    crashLoop: {
      maxFailures: s.crash_loop?.max_failures ?? 5,
      windowMs: dur(s.crash_loop?.window, 60_000, at('crash_loop.window')),
      action: s.crash_loop?.action ?? 'give-up',
      cooldownMs: dur(s.crash_loop?.cooldown, 300_000, at('crash_loop.cooldown')),
    },
    dependsOn: deps,
    readiness: s.readiness
      ? { probe: probeOf(s.readiness), intervalMs: dur(s.readiness.interval, 250, at('readiness.interval')), timeoutMs: dur(s.readiness.timeout, 60_000, at('readiness.timeout')) }
      : null,
    health: s.healthcheck
      ? {
          probe: probeOf(s.healthcheck),
          intervalMs: dur(s.healthcheck.interval, 30_000, at('healthcheck.interval')),
          timeoutMs: dur(s.healthcheck.timeout, 30_000, at('healthcheck.timeout')),
          retries: s.healthcheck.retries ?? 3,
          startPeriodMs: dur(s.healthcheck.start_period, 0, at('healthcheck.start_period')),
          onUnhealthy: s.healthcheck.on_unhealthy ?? 'restart',
        }
      : null,
    stopSignal: s.stop_signal === undefined ? 15 : typeof s.stop_signal === 'number' ? s.stop_signal : parseSignal(s.stop_signal, at('stop_signal'), rt),
    stopGraceMs: Math.min(dur(s.stop_grace_period, 10_000, at('stop_grace_period')), stopTimeoutMs),
    main: s.main ?? false,
    onExit: onExit === 'shutdown' ? 'shutdown' : 'ignore',
  };
}

/** Default for the whole ordered shutdown: inside docker stop's 10 s. */
export const DEFAULT_STOP_TIMEOUT_MS = 9000;

/** `env` is tinit's own environment (for `VAR` entries that take its value). */
export function supervisorSpec(config: ConfigFile, rt: RealtimeRange, env: Record<string, string> = {}): SupervisorSpec {
  const stopTimeoutMs = dur(config.stop_timeout, DEFAULT_STOP_TIMEOUT_MS, 'stop_timeout');
  const deps = dependenciesOf(config);
  const services = Object.entries(config.services).map(([name, s]) => serviceSpec(name, s, deps.get(name) ?? new Map(), rt, stopTimeoutMs, env));
  return {
    services,
    stopTimeoutMs,
    logFormat: config.log_format ?? 'text',
    forwardTo: config.forward_signals ?? services.map((s) => s.name),
  };
}
