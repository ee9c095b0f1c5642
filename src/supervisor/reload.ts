// SIGHUP: what changed between two configs. Services are compared by their normalised spec,
// so a change of spelling that means the same (10s vs 10000ms) restarts nothing.
import type { ServiceSpec, SupervisorSpec } from './model';

export interface ReloadPlan {
  added: ServiceSpec[];
  removed: string[];
  changed: ServiceSpec[];
}

/** A stable text for a spec: Maps and RegExps written out, key order fixed by construction. */
export function specKey(spec: ServiceSpec): string {
  return JSON.stringify(spec, (_key, value: unknown) => {
    if (value instanceof Map) return [...value.entries()].sort();
    if (value instanceof RegExp) return `/${value.source}/${value.flags}`;
    return value;
  });
}

export function planReload(current: ReadonlyMap<string, ServiceSpec>, next: SupervisorSpec): ReloadPlan {
  const nextByName = new Map(next.services.map((s) => [s.name, s]));
  return {
    added: next.services.filter((s) => !current.has(s.name)),
    removed: [...current.keys()].filter((name) => !nextByName.has(name)),
    changed: next.services.filter((s) => current.has(s.name) && specKey(current.get(s.name) as ServiceSpec) !== specKey(s)),
  };
}
