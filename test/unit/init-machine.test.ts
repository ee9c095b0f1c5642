import { describe, expect, it } from 'vitest';
import { Level } from '../../src/log';
import type { ChildExit } from '../../src/native/binding';
import { transition, type InitEffect, type InitEvent, type InitPolicy, type InitState } from '../../src/init/machine';

const base: InitPolicy = {
  rt: { min: 34, max: 64 },
  killProcessGroup: false,
  signalAll: false,
  setsid: false,
  rewrites: new Map(),
  remapToZero: new Set(),
  warnOnReap: false,
  graceMs: 0,
  killWaitMs: 1000,
};
const running: InitState = { phase: 'running', child: 100, ignoreOnce: [] };
const draining = { phase: 'draining' as const, code: 3, signalled: true, killed: false, killRounds: 0 };
const justEnded = { ...draining, signalled: false };
const exit = (pid: number, exitCode: number | null, signal: number | null = null): InitEvent => ({
  type: 'exited',
  exit: { pid, exitCode, signal, core: false, rusage: { userMs: 0, systemMs: 0, maxRssKb: 0 } } satisfies ChildExit,
});
const signal = (signo: number): InitEvent => ({ type: 'signal', signo, senderPid: 1 });
const withoutLogs = (effects: InitEffect[]) => effects.filter((e) => e.type !== 'log');

type Row = [string, InitState, InitEvent, Partial<InitPolicy>, InitState, InitEffect[]];

describe('init transition', () => {
  it.each<Row>([
    // running: signals
    ['SIGCHLD reaps', running, signal(17), {}, running, [{ type: 'reap' }]],
    ['SIGTERM goes to the child', running, signal(15), {}, running, [{ type: 'forward', target: 100, signo: 15 }]],
    ['-g sends to the group', running, signal(15), { killProcessGroup: true }, running, [{ type: 'forward', target: -100, signo: 15 }]],
    ['a real-time signal is forwarded', running, signal(37), {}, running, [{ type: 'forward', target: 100, signo: 37 }]],
    ['-r 15:3 sends QUIT', running, signal(15), { rewrites: new Map([[15, 3]]) }, running, [{ type: 'forward', target: 100, signo: 3 }]],
    ['-r 2:0 drops INT', running, signal(2), { rewrites: new Map([[2, 0]]) }, running, []],
    ['--signal-all also broadcasts', running, signal(10), { signalAll: true }, running, [{ type: 'forward', target: 100, signo: 10 }, { type: 'broadcast', signo: 10, exceptPid: 100 }]],
    ['--signal-all with -g spares the group', running, signal(10), { signalAll: true, killProcessGroup: true }, running, [{ type: 'forward', target: -100, signo: 10 }, { type: 'broadcast', signo: 10, exceptGroup: 100 }]],
    ['setsid sends to the group', running, signal(1), { setsid: true }, running, [{ type: 'forward', target: -100, signo: 1 }]],
    ['setsid: TSTP becomes STOP and stops tinit', running, signal(20), { setsid: true }, running, [{ type: 'forward', target: -100, signo: 19 }, { type: 'stop-self' }]],
    ['setsid: a rewrite of TTIN wins, tinit still stops', running, signal(21), { setsid: true, rewrites: new Map([[21, 15]]) }, running, [{ type: 'forward', target: -100, signo: 15 }, { type: 'stop-self' }]],
    ['without setsid TSTP is forwarded as is', running, signal(20), {}, running, [{ type: 'forward', target: 100, signo: 20 }]],
    ['a hand-off signal is ignored once', { ...running, ignoreOnce: [1, 18] }, signal(1), {}, { ...running, ignoreOnce: [18] }, []],
    // running: exits
    ['main child exit 3', running, exit(100, 3), {}, { phase: 'done', code: 3 }, [{ type: 'exit', code: 3 }]],
    ['main child killed by SIGKILL', running, exit(100, null, 9), {}, { phase: 'done', code: 137 }, [{ type: 'exit', code: 137 }]],
    ['-e 3 reports 0', running, exit(100, 3), { remapToZero: new Set([3]) }, { phase: 'done', code: 0 }, [{ type: 'exit', code: 0 }]],
    ['-e 143 covers SIGTERM', running, exit(100, null, 15), { remapToZero: new Set([143]) }, { phase: 'done', code: 0 }, [{ type: 'exit', code: 0 }]],
    ['with a grace period, first the sweep decides', running, exit(100, 3), { graceMs: 500 }, justEnded, []],
    ['...nothing left: exit at once, no signal sent', justEnded, { type: 'reaped', childrenRemain: false }, { graceMs: 500 }, { phase: 'done', code: 3 }, [{ type: 'exit', code: 3 }]],
    ['...some left: they get SIGTERM (and SIGCONT) and the grace period', justEnded, { type: 'reaped', childrenRemain: true }, { graceMs: 500 }, draining, [{ type: 'broadcast', signo: 15 }, { type: 'broadcast', signo: 18 }, { type: 'timer', name: 'grace', ms: 500 }]],
    ['an orphan exit changes nothing', running, exit(555, 1), {}, running, []],
    ['a sweep summary changes nothing while running', running, { type: 'reaped', childrenRemain: false }, {}, running, []],
    // paused (-P)
    ['paused: SIGTERM exits 0', { phase: 'paused' }, signal(15), {}, { phase: 'done', code: 0 }, [{ type: 'exit', code: 0 }]],
    ['paused: SIGINT exits 0', { phase: 'paused' }, signal(2), {}, { phase: 'done', code: 0 }, [{ type: 'exit', code: 0 }]],
    ['paused: SIGHUP is ignored', { phase: 'paused' }, signal(1), {}, { phase: 'paused' }, []],
    ['paused: SIGCHLD reaps', { phase: 'paused' }, signal(17), {}, { phase: 'paused' }, [{ type: 'reap' }]],
    // draining
    ['draining: all gone, exit with the code', draining, { type: 'reaped', childrenRemain: false }, { graceMs: 500 }, { phase: 'done', code: 3 }, [{ type: 'exit', code: 3 }]],
    ['draining: some left, keep waiting', draining, { type: 'reaped', childrenRemain: true }, { graceMs: 500 }, draining, []],
    ['draining: grace over, SIGKILL', draining, { type: 'timer', name: 'grace' }, { graceMs: 500 }, { ...draining, killed: true, killRounds: 1 }, [{ type: 'broadcast', signo: 9 }, { type: 'timer', name: 'kill', ms: 200 }]],
    ['draining: SIGKILL again for what forked meanwhile', { ...draining, killed: true, killRounds: 2 }, { type: 'timer', name: 'kill' }, { graceMs: 500 }, { ...draining, killed: true, killRounds: 3 }, [{ type: 'broadcast', signo: 9 }, { type: 'timer', name: 'kill', ms: 200 }]],
    ['draining: still there after the last SIGKILL, exit anyway', { ...draining, killed: true, killRounds: 5 }, { type: 'timer', name: 'kill' }, { graceMs: 500 }, { phase: 'done', code: 3 }, [{ type: 'exit', code: 3 }]],
    ['draining: a signal goes to what is left', draining, signal(2), { graceMs: 500 }, draining, [{ type: 'broadcast', signo: 2 }]],
    // done
    ['nothing happens once done', { phase: 'done', code: 0 }, signal(15), {}, { phase: 'done', code: 0 }, []],
    ['no second exit once done', { phase: 'done', code: 0 }, exit(100, 1), {}, { phase: 'done', code: 0 }, []],
  ])('%s', (_name, state, event, policy, nextState, effects) => {
    const next = transition(state, event, { ...base, ...policy });
    expect(next.state).toEqual(nextState);
    expect(withoutLogs(next.effects)).toEqual(effects);
  });

  it('logs orphans at DEBUG, or WARN with -w, with the text tini users grep for', () => {
    const message = { message: 'Reaped zombie process with pid=555' };
    expect(transition(running, exit(555, 0), base).effects).toEqual([{ type: 'log', level: Level.Debug, ...message }]);
    expect(transition(running, exit(555, 0), { ...base, warnOnReap: true }).effects).toEqual([{ type: 'log', level: Level.Warn, ...message }]);
  });

  it('names forwarded signals in its log, real-time ones included', () => {
    const messages = (signo: number) => transition(running, signal(signo), base).effects.flatMap((e) => (e.type === 'log' ? [e.message] : []));
    expect(messages(1)).toEqual(['Got SIGHUP from pid 1', "Passing signal: 'SIGHUP'"]);
    expect(messages(37)).toEqual(['Got SIGRTMIN+3 from pid 1', "Passing signal: 'SIGRTMIN+3'"]);
  });
});
