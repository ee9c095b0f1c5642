// The service lifecycle, row by row: state x event -> state + effects.
import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../../src/supervisor/model';
import { initialState, transition, type ServiceEffect, type ServiceEvent, type ServiceState } from '../../src/supervisor/service-machine';

const spec = (over: Partial<ServiceSpec> = {}): ServiceSpec => ({
  name: 'web',
  argv: ['web'],
  type: 'longrun',
  cwd: null,
  environment: [],
  envFiles: [],
  user: null,
  group: null,
  umask: null,
  restart: 'no',
  successCodes: [0],
  backoff: { initialMs: 100, factor: 2, maxMs: 1000, jitter: 0, resetAfterMs: 10_000 },
  crashLoop: { maxFailures: 3, windowMs: 60_000, action: 'give-up', cooldownMs: 5000 },
  dependsOn: new Map(),
  readiness: null,
  health: null,
  stopSignal: 15,
  stopGraceMs: 2000,
  main: false,
  onExit: 'ignore',
  ...over,
});
const readiness = { probe: { kind: 'file' as const, path: '/x' }, intervalMs: 100, timeoutMs: 1000 };
const health = { probe: { kind: 'file' as const, path: '/x' }, intervalMs: 100, timeoutMs: 100, retries: 3, startPeriodMs: 0, onUnhealthy: 'restart' as const };

const s0 = initialState();
const running: ServiceState = { ...s0, phase: 'running', pid: 42, startedAt: 1000, ready: true };
const starting: ServiceState = { ...s0, phase: 'starting', pid: 42, startedAt: 1000 };
const stopping: ServiceState = { ...running, phase: 'stopping', stopReason: 'shutdown', shuttingDown: true };
const exited = (code: number, at = 2000, signal: number | null = null): ServiceEvent => ({ type: 'exited', code, signal, at });
const quiet = (effects: ServiceEffect[]) => effects.filter((e) => e.type !== 'log');

type Row = [string, Partial<ServiceSpec>, ServiceState, ServiceEvent, Partial<ServiceState>, ServiceEffect[]];

describe('service transition', () => {
  it.each<Row>([
    // starting
    ['start spawns', {}, s0, { type: 'start' }, { phase: 'waiting' }, [{ type: 'spawn' }]],
    ['no start while shutting down', {}, { ...s0, shuttingDown: true }, { type: 'start' }, { phase: 'waiting' }, []],
    ['no start when running', {}, running, { type: 'start' }, { phase: 'running' }, []],
    ['spawned without readiness is running and ready', {}, s0, { type: 'spawned', pid: 7, at: 5 }, { phase: 'running', pid: 7, ready: true, startedAt: 5 }, []],
    ['spawned with readiness waits for it', { readiness }, s0, { type: 'spawned', pid: 7, at: 5 }, { phase: 'starting', ready: false }, [{ type: 'watch-readiness' }]],
    ['spawned with a healthcheck watches health', { health }, s0, { type: 'spawned', pid: 7, at: 5 }, { phase: 'running' }, [{ type: 'watch-health' }]],
    ['ready', { readiness }, starting, { type: 'ready' }, { phase: 'running', ready: true }, []],
    ['ready twice changes nothing', {}, running, { type: 'ready' }, { phase: 'running' }, []],
    ['not ready in time: stopped, never counted as ready', { readiness }, starting, { type: 'not-ready', reason: 'timeout' }, { phase: 'stopping', stopReason: 'not-ready' }, [{ type: 'unwatch' }, { type: 'signal', signo: 15 }, { type: 'signal', signo: 18 }, { type: 'timer', name: 'grace', ms: 2000 }]],
    // exits without restart
    ['exit 0, restart no: exited ok', {}, running, exited(0), { phase: 'exited', pid: null, lastExit: { code: 0, signal: null, ok: true } }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'ended', code: 0, ok: true, shutdown: false }]],
    ['exit 3, restart no: exited failed', {}, running, exited(3), { phase: 'exited' }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'ended', code: 3, ok: false, shutdown: false }]],
    ['exit 3 is success when listed', { successCodes: [0, 3] }, running, exited(3), { phase: 'exited', lastExit: { code: 3, signal: null, ok: true } }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'ended', code: 3, ok: true, shutdown: false }]],
    ['a signal death is a failure', { restart: 'on-failure' }, running, exited(143, 2000, 15), { phase: 'backoff' }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'timer', name: 'backoff', ms: 100 }]],
    ['on-failure does not restart a success', { restart: 'on-failure' }, running, exited(0), { phase: 'exited' }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'ended', code: 0, ok: true, shutdown: false }]],
    // restarts and backoff
    ['always restarts a success after the initial delay', { restart: 'always' }, running, exited(0), { phase: 'backoff', attempt: 1, restarts: 1 }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'timer', name: 'backoff', ms: 100 }]],
    ['the delay doubles', { restart: 'always' }, { ...running, attempt: 2, failures: [1500] }, exited(1), { phase: 'backoff', attempt: 3 }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'timer', name: 'backoff', ms: 400 }]],
    ['and is capped', { restart: 'always' }, { ...running, attempt: 9 }, exited(1), { attempt: 10 }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'timer', name: 'backoff', ms: 1000 }]],
    ['a stable run resets it', { restart: 'always' }, { ...running, attempt: 9, failures: [1100, 1200] }, exited(1, 20_000), { attempt: 1, failures: [] }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'timer', name: 'backoff', ms: 100 }]],
    ['backoff timer spawns', { restart: 'always' }, { ...s0, phase: 'backoff' }, { type: 'timer', name: 'backoff' }, { phase: 'backoff' }, [{ type: 'spawn' }]],
    ['a stale backoff timer is ignored', {}, running, { type: 'timer', name: 'backoff' }, { phase: 'running' }, []],
    ['a spawn failure counts as a failed run', { restart: 'on-failure' }, s0, { type: 'spawn-failed', message: 'ENOENT', code: 127, at: 5 }, { phase: 'backoff', lastExit: { code: 127, signal: null, ok: false } }, [{ type: 'timer', name: 'backoff', ms: 100 }]],
    // crash loop
    ['crash loop: give up', { restart: 'always' }, { ...running, failures: [1100, 1200] }, exited(1), { phase: 'failed', failures: [1100, 1200, 2000] }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'ended', code: 1, ok: false, shutdown: false }]],
    ['crash loop of exits 0 is still a failure (code 1)', { restart: 'always' }, { ...running, failures: [1100, 1200] }, exited(0), { phase: 'failed', lastExit: { code: 0, signal: null, ok: false } }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'ended', code: 1, ok: false, shutdown: false }]],
    ['no start for a service that already ran', {}, { ...s0, phase: 'waiting', lastExit: { code: 127, signal: null, ok: false } }, { type: 'start' }, { phase: 'waiting' }, []],
    ['crash loop: shut the container down', { restart: 'always', crashLoop: { maxFailures: 3, windowMs: 60_000, action: 'shutdown', cooldownMs: 0 } }, { ...running, failures: [1100, 1200] }, exited(1), { phase: 'failed' }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'ended', code: 1, ok: false, shutdown: true }]],
    ['crash loop: cool down', { restart: 'always', crashLoop: { maxFailures: 3, windowMs: 60_000, action: 'cooldown', cooldownMs: 5000 } }, { ...running, failures: [1100, 1200] }, exited(1), { phase: 'cooldown', failures: [], attempt: 0 }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'timer', name: 'cooldown', ms: 5000 }]],
    ['cooldown timer spawns', {}, { ...s0, phase: 'cooldown' }, { type: 'timer', name: 'cooldown' }, { phase: 'cooldown' }, [{ type: 'spawn' }]],
    ['failures outside the window do not count', { restart: 'always' }, { ...running, startedAt: 69_000, failures: [1, 2] }, exited(1, 70_000), { phase: 'backoff', failures: [70_000] }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'timer', name: 'backoff', ms: 100 }]],
    // stopping
    ['stop a running service: stop signal and grace timer', { stopSignal: 3 }, running, { type: 'stop' }, { phase: 'stopping', stopReason: 'shutdown', shuttingDown: true }, [{ type: 'unwatch' }, { type: 'signal', signo: 3 }, { type: 'signal', signo: 18 }, { type: 'timer', name: 'grace', ms: 2000 }]],
    ['stop a waiting service: stopped at once', {}, s0, { type: 'stop' }, { phase: 'stopped', shuttingDown: true }, [{ type: 'cancel-timers' }]],
    ['stop during backoff: stopped, no restart', { restart: 'always' }, { ...s0, phase: 'backoff' }, { type: 'stop' }, { phase: 'stopped' }, [{ type: 'cancel-timers' }]],
    ['stop an exited oneshot: stays exited', {}, { ...s0, phase: 'exited' }, { type: 'stop' }, { phase: 'exited', shuttingDown: true }, [{ type: 'cancel-timers' }]],
    ['grace over: SIGKILL', {}, stopping, { type: 'timer', name: 'grace' }, { phase: 'stopping' }, [{ type: 'signal', signo: 9 }]],
    ['exit while stopping for shutdown: stopped, no restart', { restart: 'always' }, stopping, exited(143, 2000, 15), { phase: 'stopped', pid: null }, [{ type: 'unwatch' }, { type: 'cancel-timers' }]],
    ['exit after not-ready: a failed start, restarted on failure', { restart: 'on-failure', readiness }, { ...starting, phase: 'stopping', stopReason: 'not-ready' }, exited(0), { phase: 'backoff', lastExit: { code: 0, signal: null, ok: false } }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'timer', name: 'backoff', ms: 100 }]],
    ['exit after not-ready, no restart: ended as a failure', { readiness }, { ...starting, phase: 'stopping', stopReason: 'not-ready' }, exited(0), { phase: 'exited' }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'ended', code: 0, ok: false, shutdown: false }]],
    ['a shutdown during backoff wins over the timer', { restart: 'always' }, { ...s0, phase: 'stopped', shuttingDown: true }, { type: 'timer', name: 'backoff' }, { phase: 'stopped' }, []],
    ['hold: no more restarts, the process keeps running', { restart: 'always' }, running, { type: 'hold' }, { phase: 'running', shuttingDown: true }, []],
    ['hold during backoff: the pending restart is dropped', { restart: 'always' }, { ...s0, phase: 'backoff' }, { type: 'hold' }, { phase: 'stopped', shuttingDown: true }, [{ type: 'cancel-timers' }]],
    ['held, an exit (the deadline SIGKILL) is part of the stop, not a failure', { restart: 'always' }, { ...running, shuttingDown: true }, exited(137, 2000, 9), { phase: 'stopped', lastExit: { code: 137, signal: 9, ok: true } }, [{ type: 'unwatch' }, { type: 'cancel-timers' }]],
    // health
    ['healthy', { health }, running, { type: 'health', healthy: true }, { healthy: true }, []],
    ['unhealthy with on_unhealthy restart: stop to restart', { health }, { ...running, healthy: true }, { type: 'health', healthy: false }, { phase: 'stopping', stopReason: 'unhealthy', healthy: false }, [{ type: 'unwatch' }, { type: 'signal', signo: 15 }, { type: 'signal', signo: 18 }, { type: 'timer', name: 'grace', ms: 2000 }]],
    ['unhealthy with report: only noted', { health: { ...health, onUnhealthy: 'report' } }, running, { type: 'health', healthy: false }, { phase: 'running', healthy: false }, []],
    ['exit after an unhealthy stop: a failed run, restarted with backoff', { health }, { ...running, phase: 'stopping', stopReason: 'unhealthy' }, exited(143, 2000, 15), { phase: 'backoff', restarts: 1, failures: [2000] }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'timer', name: 'backoff', ms: 100 }]],
    ['exit after a restart command: straight back up', {}, { ...running, phase: 'stopping', stopReason: 'restart' }, exited(143, 2000, 15), { phase: 'backoff', restarts: 1 }, [{ type: 'unwatch' }, { type: 'cancel-timers' }, { type: 'spawn' }]],
    // restart command
    ['restart a running service', {}, running, { type: 'restart' }, { phase: 'stopping', stopReason: 'restart' }, [{ type: 'unwatch' }, { type: 'signal', signo: 15 }, { type: 'signal', signo: 18 }, { type: 'timer', name: 'grace', ms: 2000 }]],
    ['restart a failed service', {}, { ...s0, phase: 'failed', failures: [1, 2, 3] }, { type: 'restart' }, { phase: 'failed', failures: [], attempt: 0 }, [{ type: 'cancel-timers' }, { type: 'spawn' }]],
    ['spawned marks that it ran', {}, s0, { type: 'spawned', pid: 7, at: 5 }, { everRan: true }, []],
    // control commands
    ['down: stopped and kept down', { restart: 'always' }, running, { type: 'down' }, { phase: 'stopping', shuttingDown: true, stopReason: 'shutdown' }, [{ type: 'unwatch' }, { type: 'signal', signo: 15 }, { type: 'signal', signo: 18 }, { type: 'timer', name: 'grace', ms: 2000 }]],
    ['down during backoff: no restart', { restart: 'always' }, { ...s0, phase: 'backoff' }, { type: 'down' }, { phase: 'stopped', shuttingDown: true }, [{ type: 'cancel-timers' }]],
    ['up after down: spawned again, counters cleared', {}, { ...s0, phase: 'stopped', shuttingDown: true, failures: [1], attempt: 3 }, { type: 'up' }, { shuttingDown: false, attempt: 0, failures: [] }, [{ type: 'cancel-timers' }, { type: 'spawn' }]],
    ['up while running changes nothing', {}, running, { type: 'up' }, { phase: 'running' }, []],
    // stray events
    ['an exit with no process is ignored', {}, s0, exited(0), { phase: 'waiting' }, []],
  ])('%s', (_name, over, state, event, expected, effects) => {
    const next = transition(spec(over), state, event, () => 0.5);
    expect(next.state).toMatchObject(expected);
    expect(quiet(next.effects)).toEqual(effects);
  });

  it('says what happened in its log lines', () => {
    const t = transition(spec({ restart: 'always' }), running, exited(1), () => 0.5);
    expect(t.effects.find((e) => e.type === 'log')).toMatchObject({ message: 'exited (code 1); restarting in 100 ms' });
  });
});
