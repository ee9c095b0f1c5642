// Container-level decisions, pure: which services may start now, which may be stopped now
// during a shutdown, whether a waiting service can never start, and the exit code.
import type { Condition, ServiceSpec } from './model';
import type { ServiceState } from './service-machine';

export type States = ReadonlyMap<string, ServiceState>;
export type Specs = ReadonlyMap<string, ServiceSpec>;

/** Phases in which a service will not run again unless told to. */
export const isDown = (s: ServiceState) => s.phase === 'exited' || s.phase === 'failed' || s.phase === 'stopped';

function met(condition: Condition, dep: ServiceState): boolean {
  switch (condition) {
    case 'started':
      return dep.everRan; // a failed exec never started
    case 'ready':
      return dep.ready;
    case 'healthy':
      return dep.healthy === true;
    case 'completed_successfully':
      return dep.phase === 'exited' && dep.lastExit?.ok === true;
  }
}

/** Waiting services whose every dependency condition holds. */
export function startable(specs: Specs, states: States): string[] {
  const out: string[] = [];
  for (const [name, spec] of specs) {
    const state = states.get(name);
    if (!state || state.phase !== 'waiting' || state.pid !== null || state.lastExit !== null || state.shuttingDown) continue;
    // (a 'waiting' service that ran before is a restart in progress, not a first start)
    if ([...spec.dependsOn].every(([dep, condition]) => met(condition, states.get(dep) as ServiceState))) out.push(name);
  }
  return out;
}

/** A waiting service blocked on a dependency that is down for good: [service, dependency]. */
export function blocked(specs: Specs, states: States): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, spec] of specs) {
    const state = states.get(name) as ServiceState;
    if (state.phase !== 'waiting' || state.lastExit !== null) continue;
    for (const [dep, condition] of spec.dependsOn) {
      const d = states.get(dep) as ServiceState;
      if (isDown(d) && !met(condition, d)) out.push([name, dep]);
    }
  }
  return out;
}

/** During a shutdown: running services none of whose dependents is still up (reverse order). */
export function stoppable(specs: Specs, states: States): string[] {
  const out: string[] = [];
  for (const [name] of specs) {
    const state = states.get(name) as ServiceState;
    if (state.phase === 'stopping' || isDown(state)) continue;
    const dependentsUp = [...specs.values()].some((other) => other.dependsOn.has(name) && !isDown(states.get(other.name) as ServiceState) && (states.get(other.name) as ServiceState).pid !== null);
    if (!dependentsUp) out.push(name);
  }
  return out;
}

export const allDown = (states: States) => [...states.values()].every((s) => isDown(s) || (s.phase === 'waiting' && s.pid === null));
