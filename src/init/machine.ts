// The single-child init as data: what each signal or reaped exit means, as effects. Pure, so
// every case is a table row in test/unit/init-machine.test.ts; run.ts carries effects out.
import { statusCode } from '../exit-codes';
import { Level } from '../log';
import type { ChildExit } from '../native/binding';
import { SIGCHLD, signalName, type RealtimeRange } from '../signals/table';

export type InitState =
  /** The main child runs; `child` is its pid (and its process group id). */
  | { phase: 'running'; child: number }
  /** The main child is gone and tinit is exiting with `code`. */
  | { phase: 'done'; code: number };

export type InitEvent =
  | { type: 'signal'; signo: number; senderPid: number }
  | { type: 'exited'; exit: ChildExit };

export type InitEffect =
  /** kill(target, signo); a negative target is a process group. */
  | { type: 'forward'; target: number; signo: number }
  /** Collect every exited child (each becomes an 'exited' event). */
  | { type: 'reap' }
  | { type: 'log'; level: Level; message: string }
  | { type: 'exit'; code: number };

export interface InitPolicy {
  /** -g: signals go to the child's whole process group. */
  killProcessGroup: boolean;
  rt: RealtimeRange;
}

export interface Transition {
  state: InitState;
  effects: InitEffect[];
}

export function transition(state: InitState, event: InitEvent, policy: InitPolicy): Transition {
  if (state.phase === 'done') return { state, effects: [] };
  if (event.type === 'signal') return onSignal(state, event.signo, policy);
  return onExit(state, event.exit);
}

function onSignal(state: InitState & { phase: 'running' }, signo: number, policy: InitPolicy): Transition {
  if (signo === SIGCHLD) {
    return { state, effects: [{ type: 'log', level: Level.Debug, message: 'Received SIGCHLD' }, { type: 'reap' }] };
  }
  const target = policy.killProcessGroup ? -state.child : state.child;
  return {
    state,
    effects: [
      { type: 'log', level: Level.Debug, message: `Passing signal: '${signalName(signo, policy.rt)}'` },
      { type: 'forward', target, signo },
    ],
  };
}

function onExit(state: InitState & { phase: 'running' }, exit: ChildExit): Transition {
  if (exit.pid !== state.child) {
    return { state, effects: [{ type: 'log', level: Level.Debug, message: `Reaped zombie process with pid=${exit.pid}` }] };
  }
  const code = statusCode(exit.exitCode, exit.signal);
  const how =
    exit.signal !== null
      ? `was killed by signal ${exit.signal}${exit.core ? ' (core dumped)' : ''}`
      : `exited with status ${exit.exitCode}`;
  return {
    state: { phase: 'done', code },
    effects: [
      { type: 'log', level: Level.Info, message: `Main child (pid ${exit.pid}) ${how}; exiting with ${code}` },
      { type: 'exit', code },
    ],
  };
}
