// Checks a parsed config against the schema and against what a schema cannot say (unknown
// dependencies, cycles, conditions a dependency cannot meet), collecting every problem at once
// as `path: what is wrong (what is allowed)`.
import type { TSchema } from '@sinclair/typebox';
import { Value, type ValueError } from '@sinclair/typebox/value';
import { parseDuration, parseSignal } from '../cli/parse-values';
import { Config, type ConfigFile } from './schema';

export interface ConfigProblem {
  /** Dotted key path: services.web.restart ('' for the whole file). */
  path: string;
  message: string;
  /** The line in the file, where known. */
  line?: number;
}

const dotted = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function branchType(schema: TSchema): string | undefined {
  if ('const' in schema) return typeof schema.const;
  if (schema.type === 'integer') return 'number';
  return typeof schema.type === 'string' ? schema.type : undefined;
}

/** What a schema allows, in words. */
function allowed(schema: TSchema): string {
  const branches = (schema.anyOf as TSchema[] | undefined) ?? [];
  if (branches.length > 0 && branches.every((b) => 'const' in b)) return `one of ${branches.map((b) => b.const).join(', ')}`;
  if (schema.type === 'boolean') return 'true or false';
  if (typeof schema.description === 'string') return schema.description;
  if (schema.type === 'integer' || schema.type === 'number') {
    const range = [schema.minimum !== undefined ? `>= ${schema.minimum}` : '', schema.maximum !== undefined ? `<= ${schema.maximum}` : ''].filter(Boolean).join(' and ');
    return `a ${schema.type === 'integer' ? 'whole number' : 'number'}${range ? ` ${range}` : ''}`;
  }
  if (schema.type === 'string' && schema.pattern) return `a string matching ${schema.pattern}`;
  if (typeof schema.type === 'string') return `a${/^[aeiou]/.test(schema.type) ? 'n' : ''} ${schema.type}`;
  return 'a valid value';
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Schema errors as problems; a failed union is explained by the branch of the value's type. */
function schemaProblems(schema: TSchema, value: unknown, prefix = ''): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(schema, value) as Iterable<ValueError>) {
    const pointer = prefix + error.path;
    if ([...seen].some((p) => pointer.startsWith(`${p}/`) || p === pointer)) continue;
    const branches = (error.schema.anyOf as TSchema[] | undefined) ?? [];
    const match = branches.find((b) => branchType(b) === jsonType(error.value) && !('const' in b));
    if (branches.length > 0 && match && jsonType(error.value) === 'object') {
      const deeper = schemaProblems(match, error.value, pointer);
      if (deeper.length > 0) {
        problems.push(...deeper);
        seen.add(pointer);
        continue;
      }
    }
    seen.add(pointer);
    if (error.message === 'Unexpected property') {
      problems.push({ path: dotted(pointer), message: 'unknown key' });
    } else if (error.message.startsWith('Expected required property')) {
      problems.push({ path: dotted(pointer), message: 'is required' });
    } else if (/minProperties|Expected object to have at least/.test(error.message)) {
      problems.push({ path: dotted(pointer), message: 'must name at least one service' });
    } else {
      problems.push({ path: dotted(pointer), message: `must be ${allowed(error.schema)} (got ${describe(error.value)})` });
    }
  }
  return problems;
}

export type Dependencies = Map<string, Map<string, 'started' | 'ready' | 'healthy' | 'completed_successfully'>>;

/** Each service's dependencies with their conditions (a plain list means 'started'). */
export function dependenciesOf(config: ConfigFile): Dependencies {
  const deps: Dependencies = new Map();
  for (const [name, service] of Object.entries(config.services)) {
    const on = new Map<string, 'started' | 'ready' | 'healthy' | 'completed_successfully'>();
    const d = service.depends_on;
    if (Array.isArray(d)) for (const dep of d) on.set(dep, 'started');
    else if (d) for (const [dep, { condition }] of Object.entries(d)) on.set(dep, condition.replace(/^service_/, '') as 'started');
    deps.set(name, on);
  }
  return deps;
}

/** Services in start layers: each layer depends only on earlier ones. Null when there is a cycle. */
export function startLayers(deps: Dependencies): string[][] | null {
  const left = new Map([...deps].map(([name, on]) => [name, new Set(on.keys())]));
  const layers: string[][] = [];
  while (left.size > 0) {
    const layer = [...left].filter(([, on]) => [...on].every((d) => !left.has(d))).map(([name]) => name).sort();
    if (layer.length === 0) return null;
    for (const name of layer) left.delete(name);
    layers.push(layer);
  }
  return layers;
}

/** One cycle, as a path a -> b -> a, for the error message. */
function findCycle(deps: Dependencies): string[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    if (state.get(name) === 'done') return null;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of deps.get(name)?.keys() ?? []) {
      if (!deps.has(dep)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return null;
  };
  for (const name of deps.keys()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return [];
}

/** The checks a schema cannot express. */
function semanticProblems(config: ConfigFile): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const deps = dependenciesOf(config);
  for (const [name, on] of deps) {
    for (const [dep, condition] of on) {
      const path = `services.${name}.depends_on.${dep}`;
      const target = config.services[dep];
      if (!target) {
        problems.push({ path, message: `names no service (services are ${Object.keys(config.services).join(', ')})` });
      } else if (dep === name) {
        problems.push({ path, message: 'a service cannot depend on itself' });
      } else if (condition === 'healthy' && !target.healthcheck) {
        problems.push({ path, message: `condition healthy needs a healthcheck on ${dep}` });
      } else if (condition === 'ready' && !target.readiness) {
        problems.push({ path, message: `condition ready needs readiness on ${dep}` });
      } else if (condition === 'completed_successfully' && target.type !== 'oneshot') {
        problems.push({ path, message: `condition completed_successfully needs ${dep} to be type: oneshot` });
      }
    }
  }
  // Self-dependencies are reported above; a cycle is looked for among the other edges.
  const others: Dependencies = new Map([...deps].map(([name, on]) => [name, new Map([...on].filter(([dep]) => dep !== name))]));
  if (startLayers(others) === null && findCycle(others).length > 0) {
    problems.push({ path: 'services', message: `dependency cycle: ${findCycle(others).join(' -> ')}` });
  }
  for (const [i, name] of (config.forward_signals ?? []).entries()) {
    if (!config.services[name]) problems.push({ path: `forward_signals.${i}`, message: `names no service (services are ${Object.keys(config.services).join(', ')})` });
  }
  for (const [name, s] of Object.entries(config.services)) {
    if (typeof s.stop_signal !== 'string') continue;
    try {
      parseSignal(s.stop_signal, 'stop_signal', { min: 34, max: 64 });
    } catch (err) {
      problems.push({ path: `services.${name}.stop_signal`, message: (err as Error).message.replace(/^stop_signal: /, '') });
    }
  }
  const durations: Array<[string, unknown]> = [['stop_timeout', config.stop_timeout]];
  for (const [name, s] of Object.entries(config.services)) {
    const at = `services.${name}`;
    durations.push(
      [`${at}.stop_grace_period`, s.stop_grace_period],
      [`${at}.backoff.initial`, s.backoff?.initial],
      [`${at}.backoff.max`, s.backoff?.max],
      [`${at}.backoff.reset_after`, s.backoff?.reset_after],
      [`${at}.crash_loop.window`, s.crash_loop?.window],
      [`${at}.crash_loop.cooldown`, s.crash_loop?.cooldown],
      [`${at}.readiness.interval`, s.readiness?.interval],
      [`${at}.readiness.timeout`, s.readiness?.timeout],
      [`${at}.healthcheck.interval`, s.healthcheck?.interval],
      [`${at}.healthcheck.timeout`, s.healthcheck?.timeout],
      [`${at}.healthcheck.start_period`, s.healthcheck?.start_period],
    );
  }
  for (const [path, value] of durations) {
    if (value === undefined) continue;
    try {
      parseDuration(String(value), path);
    } catch (err) {
      problems.push({ path, message: (err as Error).message.slice(path.length + 2) });
    }
  }
  const mains = Object.entries(config.services).filter(([, s]) => s.main).map(([n]) => n);
  if (mains.length > 1) problems.push({ path: 'services', message: `only one service can be main (${mains.join(', ')} are)` });
  for (const [name, s] of Object.entries(config.services)) {
    if (s.main && s.on_exit) problems.push({ path: `services.${name}.on_exit`, message: 'a main service always ends the container; drop on_exit' });
    if (s.type === 'oneshot' && (s.restart === 'always' || s.restart === 'unless-stopped')) {
      problems.push({ path: `services.${name}.restart`, message: `a oneshot runs to completion; restart ${s.restart} would run it forever` });
    }
    if (s.type === 'oneshot' && s.on_exit === 'restart') {
      problems.push({ path: `services.${name}.on_exit`, message: 'a oneshot runs to completion; on_exit restart would run it forever' });
    }
    for (const [key, p] of [['readiness', s.readiness], ['healthcheck', s.healthcheck]] as const) {
      if (!p) continue;
      const at = `services.${name}.${key}`;
      if ('log' in p && typeof p.log === 'string') {
        try {
          new RegExp(p.log);
        } catch (err) {
          problems.push({ path: `${at}.log`, message: `is not a regular expression (${(err as Error).message.replace(/^Invalid regular expression: /, '')})` });
        }
      }
      if (typeof p.tcp === 'string') {
        const port = Number(p.tcp.slice(p.tcp.lastIndexOf(':') + 1));
        if (!(port >= 1 && port <= 65535)) problems.push({ path: `${at}.tcp`, message: `port must be from 1 to 65535 (got ${port})` });
      }
      const url = typeof p.http === 'string' ? p.http : p.http?.url;
      if (url !== undefined) {
        try {
          new URL(url);
        } catch {
          problems.push({ path: `${at}.http`, message: `is not a URL (got ${JSON.stringify(url)})` });
        }
      }
    }
    const probe = s.readiness;
    if (probe?.notify === false) problems.push({ path: `services.${name}.readiness.notify`, message: 'set it to true (sd_notify READY=1), or use another kind' });
    if (probe) {
      const kinds = ['tcp', 'http', 'exec', 'file', 'log', 'notify', 'notification_fd'].filter((k) => (probe as Record<string, unknown>)[k] !== undefined);
      if (kinds.length !== 1) problems.push({ path: `services.${name}.readiness`, message: `needs exactly one of tcp, http, exec, file, log, notify, notification_fd (got ${kinds.length === 0 ? 'none' : kinds.join(', ')})` });
    }
    const health = s.healthcheck;
    if (health) {
      const kinds = ['test', 'tcp', 'http', 'file'].filter((k) => (health as Record<string, unknown>)[k] !== undefined);
      if (kinds.length !== 1) problems.push({ path: `services.${name}.healthcheck`, message: `needs exactly one of test, tcp, http, file (got ${kinds.length === 0 ? 'none' : kinds.join(', ')})` });
    }
  }
  return problems;
}

export function validateConfig(value: unknown): { config: ConfigFile | null; problems: ConfigProblem[] } {
  const problems = schemaProblems(Config, value);
  let semantic: ConfigProblem[] = [];
  try {
    // Also on a file the schema rejected, so every mistake shows at once; a shape these
    // checks cannot read is already reported above.
    semantic = semanticProblems(value as ConfigFile).filter((p) => !problems.some((q) => p.path === q.path || p.path.startsWith(`${q.path}.`)));
  } catch {
    semantic = [];
  }
  const all = [...problems, ...semantic];
  return { config: all.length === 0 ? (value as ConfigFile) : null, problems: all };
}
