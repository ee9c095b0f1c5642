// One service's lifecycle as data: a pure transition from (state, event) to (state, effects).
// The supervisor decides when a service may start and what an ended service means for the
// container; this machine decides everything about the service's own process.
import { Level } from '../log';
import { attemptIndex, backoffDelay, recordFailure } from './backoff';
import type { ServiceSpec } from './model';

export type Phase =
  /** Not started yet: dependencies pending. */
  | 'waiting'
  /** Spawned; readiness not yet seen. */
  | 'starting'
  /** Up and ready. */
  | 'running'
  /** Stop signal sent; waiting for the exit (SIGKILL at the grace deadline). */
  | 'stopping'
  /** Exited; restarting after a delay. */
  | 'backoff'
  /** Crash loop: waiting out the cool-down before trying again. */
  | 'cooldown'
  /** Ran and ended with no restart due (a oneshot's normal end). */
  | 'exited'
  /** Crash loop limit reached; not restarted. */
  | 'failed'
  /** Stopped by a shutdown. */
  | 'stopped';

export interface ServiceState {
  phase: Phase;
  pid: number | null;
  startedAt: number | null;
  ready: boolean;
  /** null until a health check has answered. */
  healthy: boolean | null;
  /** Restart count used for the backoff (reset after a stable run). */
  attempt: number;
  /** Times of recent failed runs, for the crash-loop window. */
  failures: number[];
  restarts: number;
  /** It has had a process at least once (a failed exec never had one). */
  everRan: boolean;
  lastExit: { code: number; signal: number | null; ok: boolean } | null;
  /** Why the process is being stopped. */
  stopReason: 'shutdown' | 'restart' | 'unhealthy' | 'not-ready' | null;
  /** A shutdown has been asked for: never start again. */
  shuttingDown: boolean;
}

export const initialState = (): ServiceState => ({
  phase: 'waiting',
  pid: null,
  startedAt: null,
  ready: false,
  healthy: null,
  attempt: 0,
  failures: [],
  restarts: 0,
  everRan: false,
  lastExit: null,
  stopReason: null,
  shuttingDown: false,
});

export type ServiceEvent =
  /** The supervisor lets it start (dependencies met). */
  | { type: 'start' }
  | { type: 'spawned'; pid: number; at: number }
  | { type: 'spawn-failed'; message: string; code: number; at: number }
  | { type: 'ready' }
  /** Readiness did not come within its timeout. */
  | { type: 'not-ready'; reason: string }
  /** The process ended: `code` is the shell convention (128+N for signal N). */
  | { type: 'exited'; code: number; signal: number | null; at: number }
  | { type: 'timer'; name: 'backoff' | 'grace' | 'cooldown' }
  | { type: 'health'; healthy: boolean }
  | { type: 'stop' }
  /** The container is shutting down: no more restarts, though the stop itself may wait for
   * dependents to stop first. */
  | { type: 'hold' }
  /** Stop and start again (reload, or a control command). */
  | { type: 'restart' }
  /** A control command: stop this service and keep it down (the container goes on). */
  | { type: 'down' }
  /** A control command: start this service again after a `down`, a failure or its end. */
  | { type: 'up' };

export type ServiceEffect =
  | { type: 'spawn' }
  /** To the service's process group. */
  | { type: 'signal'; signo: number }
  | { type: 'timer'; name: 'backoff' | 'grace' | 'cooldown'; ms: number }
  | { type: 'cancel-timers' }
  | { type: 'watch-readiness' }
  | { type: 'watch-health' }
  | { type: 'unwatch' }
  | { type: 'log'; level: Level; message: string }
  /** It will not run again by itself; `shutdown` when its crash loop says so. */
  | { type: 'ended'; code: number; ok: boolean; shutdown: boolean };

export interface Transition {
  state: ServiceState;
  effects: ServiceEffect[];
}

const SIGKILL = 9;
const SIGCONT = 18;
const log = (level: Level, message: string): ServiceEffect => ({ type: 'log', level, message });
const same = (state: ServiceState): Transition => ({ state, effects: [] });

export function transition(spec: ServiceSpec, state: ServiceState, event: ServiceEvent, random: () => number): Transition {
  switch (event.type) {
    case 'start':
      // A first start only: running again is 'restart' (a reload, or the restart policy).
      if (state.shuttingDown || state.phase !== 'waiting' || state.pid !== null || state.lastExit !== null) return same(state);
      return { state: { ...state, phase: 'waiting' }, effects: [{ type: 'spawn' }] };

    case 'spawned': {
      const up = spec.readiness === null;
      const effects: ServiceEffect[] = [log(Level.Info, `started (pid ${event.pid})${up ? '' : '; waiting for readiness'}`)];
      if (!up) effects.push({ type: 'watch-readiness' });
      if (spec.health !== null) effects.push({ type: 'watch-health' });
      return {
        state: { ...state, phase: up ? 'running' : 'starting', pid: event.pid, startedAt: event.at, ready: up, healthy: null, stopReason: null, everRan: true },
        effects,
      };
    }

    case 'spawn-failed':
      return afterExit(spec, { ...state, startedAt: event.at }, event.code, null, event.at, random, `could not start: ${event.message}`);

    case 'ready':
      if (state.phase !== 'starting') return same(state);
      return { state: { ...state, phase: 'running', ready: true }, effects: [log(Level.Info, 'ready')] };

    case 'not-ready':
      if (state.phase !== 'starting') return same(state);
      return stop(spec, state, 'not-ready', `not ready: ${event.reason}; stopping it`);

    case 'health': {
      if (state.phase !== 'running' && state.phase !== 'starting') return same(state);
      const next = { ...state, healthy: event.healthy };
      if (event.healthy) return { state: next, effects: state.healthy === true ? [] : [log(Level.Info, 'healthy')] };
      if (spec.health?.onUnhealthy === 'restart') return stop(spec, next, 'unhealthy', 'unhealthy; restarting it');
      return { state: next, effects: state.healthy === false ? [] : [log(Level.Warn, 'unhealthy')] };
    }

    case 'exited':
      if (state.pid === null) return same(state);
      return onExit(spec, state, event, random);

    case 'timer':
      if (event.name === 'grace') {
        if (state.phase !== 'stopping') return same(state);
        return { state, effects: [log(Level.Warn, `still running after ${spec.stopGraceMs} ms; sending SIGKILL`), { type: 'signal', signo: SIGKILL }] };
      }
      if ((event.name === 'backoff' && state.phase === 'backoff') || (event.name === 'cooldown' && state.phase === 'cooldown')) {
        if (state.shuttingDown) return same(state);
        return { state, effects: [{ type: 'spawn' }] };
      }
      return same(state);

    case 'stop': {
      const down = { ...state, shuttingDown: true };
      if (state.pid !== null && (state.phase === 'starting' || state.phase === 'running')) return stop(spec, down, 'shutdown', 'stopping');
      if (state.phase === 'stopping') return { state: { ...down, stopReason: 'shutdown' }, effects: [] };
      const done: ServiceState = ['exited', 'failed'].includes(state.phase) ? down : { ...down, phase: 'stopped' };
      return { state: done, effects: [{ type: 'cancel-timers' }] };
    }

    case 'hold': {
      if (state.shuttingDown) return same(state);
      const held = { ...state, shuttingDown: true };
      // A restart that is only pending (a delay, a cool-down) will not happen now.
      if (state.phase === 'backoff' || state.phase === 'cooldown') return { state: { ...held, phase: 'stopped' }, effects: [{ type: 'cancel-timers' }] };
      return { state: held, effects: [] };
    }

    case 'down': {
      if (state.shuttingDown) return same(state);
      const held: ServiceState = { ...state, shuttingDown: true };
      if (state.pid !== null && (state.phase === 'starting' || state.phase === 'running')) return stop(spec, held, 'shutdown', 'stopping (asked to)');
      if (state.phase === 'stopping') return { state: { ...held, stopReason: 'shutdown' }, effects: [] };
      return { state: { ...held, phase: 'stopped' }, effects: [{ type: 'cancel-timers' }] };
    }

    case 'up':
      if (state.pid !== null || state.phase === 'stopping') return same(state);
      return { state: { ...state, shuttingDown: false, attempt: 0, failures: [] }, effects: [{ type: 'cancel-timers' }, { type: 'spawn' }] };

    case 'restart':
      if (state.pid !== null && (state.phase === 'starting' || state.phase === 'running')) return stop(spec, state, 'restart', 'restarting');
      if (state.shuttingDown || state.phase === 'stopping') return same(state);
      return { state: { ...state, attempt: 0, failures: [] }, effects: [{ type: 'cancel-timers' }, { type: 'spawn' }] };
  }
}

function stop(spec: ServiceSpec, state: ServiceState, reason: ServiceState['stopReason'], message: string): Transition {
  return {
    state: { ...state, phase: 'stopping', stopReason: reason },
    effects: [
      log(Level.Info, message),
      { type: 'unwatch' },
      { type: 'signal', signo: spec.stopSignal },
      // A stopped process would sit on its stop signal until the SIGKILL (runit's sv does this too).
      ...(spec.stopSignal === SIGCONT ? [] : [{ type: 'signal' as const, signo: SIGCONT }]),
      { type: 'timer', name: 'grace', ms: spec.stopGraceMs },
    ],
  };
}

function onExit(spec: ServiceSpec, state: ServiceState, event: ServiceEvent & { type: 'exited' }, random: () => number): Transition {
  const base: ServiceState = { ...state, pid: null, ready: false };
  const cleanup: ServiceEffect[] = [{ type: 'unwatch' }, { type: 'cancel-timers' }];
  // Any exit once the container is shutting down is part of the stop, not a failure of its own.
  if (state.shuttingDown || (state.phase === 'stopping' && state.stopReason === 'shutdown')) {
    const next: ServiceState = { ...base, phase: 'stopped', stopReason: null, lastExit: { code: event.code, signal: event.signal, ok: true } };
    return { state: next, effects: [...cleanup, log(Level.Info, `stopped (${describeEnd(event.code, event.signal)})`)] };
  }
  if (state.phase === 'stopping' && state.stopReason === 'restart') {
    // Stopped in order to run again (a reload or a restart command): straight back up.
    return { state: { ...base, phase: 'backoff', stopReason: null, restarts: state.restarts + 1 }, effects: [...cleanup, { type: 'spawn' }] };
  }
  const t = afterExit(spec, base, event.code, event.signal, event.at, random, `exited (${describeEnd(event.code, event.signal)})`);
  return { state: t.state, effects: [...cleanup, ...t.effects] };
}

/** Restart, crash-loop or end, after a run that ended by itself (or failed to start). */
function afterExit(
  spec: ServiceSpec,
  state: ServiceState,
  code: number,
  signal: number | null,
  at: number,
  random: () => number,
  what: string,
): Transition {
  // A failed readiness or health check makes the run a failure, whatever its exit code.
  const failedCheck = state.stopReason === 'not-ready' || state.stopReason === 'unhealthy';
  const ok = signal === null && spec.successCodes.includes(code) && !failedCheck;
  const lastExit = { code, signal, ok };
  const ended = (phase: Phase, shutdown: boolean, message: string, level: Level): Transition => ({
    state: { ...state, phase, pid: null, ready: false, lastExit, stopReason: null },
    effects: [log(level, message), { type: 'ended', code, ok, shutdown }],
  });
  if (state.shuttingDown) return ended('stopped', false, what, Level.Info);
  const wantsRestart =
    spec.restart === 'always' ||
    spec.restart === 'unless-stopped' ||
    (spec.restart === 'on-failure' && !ok) ||
    state.stopReason === 'unhealthy'; // on_unhealthy: restart asks for it whatever the policy
  if (!wantsRestart) return ended('exited', false, what, ok ? Level.Info : Level.Warn);

  const ranMs = state.startedAt === null ? 0 : at - state.startedAt;
  const step = attemptIndex(spec.backoff, state.attempt, ranMs);
  // Every run that ends and is restarted counts toward the crash loop unless it ran stably.
  const { failures, looping } =
    ranMs >= spec.backoff.resetAfterMs ? { failures: [], looping: false } : recordFailure(spec.crashLoop, state.failures, at);
  const next: ServiceState = { ...state, pid: null, ready: false, lastExit, stopReason: null, attempt: step + 1, failures };
  if (looping) {
    const loopMsg = `${what}; ${failures.length} failed runs within ${spec.crashLoop.windowMs} ms: crash loop`;
    if (spec.crashLoop.action === 'cooldown') {
      return {
        state: { ...next, phase: 'cooldown', failures: [], attempt: 0 },
        effects: [log(Level.Warn, `${loopMsg}; trying again in ${spec.crashLoop.cooldownMs} ms`), { type: 'timer', name: 'cooldown', ms: spec.crashLoop.cooldownMs }],
      };
    }
    const shutdown = spec.crashLoop.action === 'shutdown';
    // A crash loop is a failure even of a service that kept exiting 0: never a silent 0.
    return {
      state: { ...next, phase: 'failed', lastExit: { ...lastExit, ok: false } },
      effects: [log(Level.Warn, `${loopMsg}; ${shutdown ? 'shutting the container down' : 'giving up'}`), { type: 'ended', code: code === 0 ? 1 : code, ok: false, shutdown }],
    };
  }
  const delay = backoffDelay(spec.backoff, step, random());
  return {
    state: { ...next, phase: 'backoff', restarts: state.restarts + 1 },
    effects: [log(ok ? Level.Info : Level.Warn, `${what}; restarting in ${delay} ms`), { type: 'timer', name: 'backoff', ms: delay }],
  };
}

export function describeEnd(code: number, signal: number | null): string {
  return signal !== null ? `killed by signal ${signal}, code ${code}` : `code ${code}`;
}
