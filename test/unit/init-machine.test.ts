import { describe, expect, it } from 'vitest';
import { Level } from '../../src/log';
import type { ChildExit } from '../../src/native/binding';
import { transition, type InitEffect, type InitEvent, type InitState } from '../../src/init/machine';

const rt = { min: 34, max: 64 };
const running: InitState = { phase: 'running', child: 100 };
const exit = (pid: number, exitCode: number | null, signal: number | null = null): InitEvent => ({
  type: 'exited',
  exit: { pid, exitCode, signal, core: false, rusage: { userMs: 0, systemMs: 0, maxRssKb: 0 } } satisfies ChildExit,
});
const signal = (signo: number): InitEvent => ({ type: 'signal', signo, senderPid: 1 });
const withoutLogs = (effects: InitEffect[]) => effects.filter((e) => e.type !== 'log');

describe('init transition', () => {
  it.each<[string, InitState, InitEvent, boolean, InitState, InitEffect[]]>([
    ['SIGCHLD reaps', running, signal(17), false, running, [{ type: 'reap' }]],
    ['SIGTERM goes to the child', running, signal(15), false, running, [{ type: 'forward', target: 100, signo: 15 }]],
    ['with -g it goes to the group', running, signal(15), true, running, [{ type: 'forward', target: -100, signo: 15 }]],
    ['a real-time signal is forwarded', running, signal(37), false, running, [{ type: 'forward', target: 100, signo: 37 }]],
    ['main child exit 3', running, exit(100, 3), false, { phase: 'done', code: 3 }, [{ type: 'exit', code: 3 }]],
    ['main child killed by SIGKILL', running, exit(100, null, 9), false, { phase: 'done', code: 137 }, [{ type: 'exit', code: 137 }]],
    ['an orphan exit changes nothing', running, exit(555, 1), false, running, []],
    ['nothing happens once done', { phase: 'done', code: 0 }, signal(15), false, { phase: 'done', code: 0 }, []],
    ['no second exit once done', { phase: 'done', code: 0 }, exit(100, 1), false, { phase: 'done', code: 0 }, []],
  ])('%s', (_name, state, event, killProcessGroup, nextState, effects) => {
    const next = transition(state, event, { killProcessGroup, rt });
    expect(next.state).toEqual(nextState);
    expect(withoutLogs(next.effects)).toEqual(effects);
  });

  it('logs orphans at DEBUG with the text tini users grep for', () => {
    const next = transition(running, exit(555, 0), { killProcessGroup: false, rt });
    expect(next.effects).toEqual([{ type: 'log', level: Level.Debug, message: 'Reaped zombie process with pid=555' }]);
  });

  it('names forwarded signals in its log, real-time ones included', () => {
    const messages = (signo: number) =>
      transition(running, signal(signo), { killProcessGroup: false, rt }).effects.flatMap((e) => (e.type === 'log' ? [e.message] : []));
    expect(messages(1)).toEqual(["Passing signal: 'SIGHUP'"]);
    expect(messages(37)).toEqual(["Passing signal: 'SIGRTMIN+3'"]);
  });
});
