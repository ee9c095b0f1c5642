// The single-child init as data: what each signal, reaped exit and timer means, as effects.
// Pure, so every case is a table row in test/unit/init-machine.test.ts; run.ts carries the
// effects out. Phases: running (main child alive) or paused (-P, no child), then draining
// (main child gone, descendants get the grace period), then done.
import { statusCode } from '../exit-codes';
import { Level } from '../log';
import type { ChildExit } from '../native/binding';
import { SIGCHLD, signalName, signalNumber, type RealtimeRange } from '../signals/table';

const SIGKILL = 9;
const SIGCONT = signalNumber('SIGCONT') as number;
/** SIGKILL sweeps after the grace period: a process forking meanwhile escapes one sweep. */
export const KILL_ROUNDS = 5;
const SIGSTOP = signalNumber('SIGSTOP') as number;
const SIGTERM = signalNumber('SIGTERM') as number;
const SIGINT = signalNumber('SIGINT') as number;
/** Job-control stops: in setsid mode they become SIGSTOP for the child and stop tinit too. */
const JOB_STOPS = new Set(['SIGTSTP', 'SIGTTIN', 'SIGTTOU'].map((n) => signalNumber(n) as number));

export type InitState =
  /** The main child runs; `child` is its pid and process group. `ignoreOnce`: signals the
   * terminal hand-off in setsid mode is known to send us, dropped the first time. */
  | { phase: 'running'; child: number; ignoreOnce: number[] }
  /** -P: no child; reap until SIGTERM or SIGINT. */
  | { phase: 'paused' }
  /** The main child ended with `code`. If its sweep left others, they had SIGTERM
   * (`signalled`) and have until the grace timer, then SIGKILL, repeated `killRounds` times
   * for what forks meanwhile. */
  | { phase: 'draining'; code: number; signalled: boolean; killed: boolean; killRounds: number }
  | { phase: 'done'; code: number };

export type InitEvent =
  | { type: 'signal'; signo: number; senderPid: number }
  | { type: 'exited'; exit: ChildExit }
  /** After each reap sweep: whether any child (hence any descendant) is left. */
  | { type: 'reaped'; childrenRemain: boolean }
  | { type: 'timer'; name: TimerName };

export type TimerName = 'grace' | 'kill';

export type InitEffect =
  /** kill(target, signo); a negative target is a process group. */
  | { type: 'forward'; target: number; signo: number }
  /** signo to every descendant (as PID 1, at the end: every process in the namespace), except
   * the main child (`exceptPid`) or its whole group (`exceptGroup`). */
  | { type: 'broadcast'; signo: number; exceptPid?: number; exceptGroup?: number }
  /** Collect every exited child ('exited' events), then report a 'reaped' event. */
  | { type: 'reap' }
  | { type: 'timer'; name: TimerName; ms: number }
  /** SIGSTOP tinit itself (dumb-init's setsid job control). */
  | { type: 'stop-self' }
  | { type: 'log'; level: Level; message: string }
  | { type: 'exit'; code: number };

export interface InitPolicy {
  rt: RealtimeRange;
  /** -g (or setsid mode): signals go to the child's whole process group. */
  killProcessGroup: boolean;
  /** --signal-all: forwarded signals also reach every other descendant. */
  signalAll: boolean;
  /** --setsid: TSTP/TTIN/TTOU become SIGSTOP (unless rewritten) and stop tinit too. */
  setsid: boolean;
  /** -r: signal -> replacement; 0 drops it. */
  rewrites: ReadonlyMap<number, number>;
  /** -e: exit codes reported as 0. */
  remapToZero: ReadonlySet<number>;
  /** -w: orphans reaped are logged as warnings. */
  warnOnReap: boolean;
  /** --grace-period: how long descendants get after the main child ends; 0 exits at once. */
  graceMs: number;
  /** After SIGKILL, how long to wait for the last exits before exiting regardless. */
  killWaitMs: number;
}

export interface Transition {
  state: InitState;
  effects: InitEffect[];
}

const log = (level: Level, message: string): InitEffect => ({ type: 'log', level, message });

export function transition(state: InitState, event: InitEvent, policy: InitPolicy): Transition {
  const next = step(state, event, policy);
  if (event.type !== 'signal') return next;
  const from = event.senderPid > 0 ? ` from pid ${event.senderPid}` : '';
  return { ...next, effects: [log(Level.Trace, `Got ${signalName(event.signo, policy.rt)}${from}`), ...next.effects] };
}

function step(state: InitState, event: InitEvent, policy: InitPolicy): Transition {
  switch (state.phase) {
    case 'done':
      return { state, effects: [] };
    case 'running':
      return running(state, event, policy);
    case 'paused':
      return paused(state, event, policy);
    case 'draining':
      return draining(state, event, policy);
  }
}

function reapOnChld(state: InitState, signo: number): Transition | undefined {
  if (signo !== SIGCHLD) return undefined;
  return { state, effects: [log(Level.Debug, 'Received SIGCHLD'), { type: 'reap' }] };
}

function orphanReaped(exit: ChildExit, policy: InitPolicy): InitEffect {
  return log(policy.warnOnReap ? Level.Warn : Level.Debug, `Reaped zombie process with pid=${exit.pid}`);
}

function running(state: InitState & { phase: 'running' }, event: InitEvent, policy: InitPolicy): Transition {
  switch (event.type) {
    case 'signal':
      return reapOnChld(state, event.signo) ?? forward(state, event.signo, policy);
    case 'exited':
      return event.exit.pid === state.child ? mainChildEnded(event.exit, policy) : { state, effects: [orphanReaped(event.exit, policy)] };
    case 'reaped':
    case 'timer':
      return { state, effects: [] };
  }
}

function forward(state: InitState & { phase: 'running' }, signo: number, policy: InitPolicy): Transition {
  const name = signalName(signo, policy.rt);
  if (state.ignoreOnce.includes(signo)) {
    return {
      state: { ...state, ignoreOnce: state.ignoreOnce.filter((s) => s !== signo) },
      effects: [log(Level.Debug, `Ignoring tty hand-off signal ${name}`)],
    };
  }
  const rewritten = policy.rewrites.get(signo) ?? (policy.setsid && JOB_STOPS.has(signo) ? SIGSTOP : signo);
  const effects: InitEffect[] = [];
  if (rewritten === 0) {
    effects.push(log(Level.Debug, `Not forwarding ${name} (rewritten to 0)`));
  } else {
    const group = policy.killProcessGroup || policy.setsid;
    const target = group ? -state.child : state.child;
    const via = rewritten === signo ? '' : ` as ${signalName(rewritten, policy.rt)}`;
    effects.push(log(Level.Debug, `Passing signal: '${name}'${via}`), { type: 'forward', target, signo: rewritten });
    // The main child (or its group) has it already; a second delivery would count twice.
    if (policy.signalAll) effects.push(group ? { type: 'broadcast', signo: rewritten, exceptGroup: state.child } : { type: 'broadcast', signo: rewritten, exceptPid: state.child });
  }
  if (policy.setsid && JOB_STOPS.has(signo)) effects.push(log(Level.Debug, 'Suspending self'), { type: 'stop-self' });
  return { state, effects };
}

function mainChildEnded(exit: ChildExit, policy: InitPolicy): Transition {
  const status = statusCode(exit.exitCode, exit.signal);
  const code = policy.remapToZero.has(status) ? 0 : status;
  const how =
    exit.signal !== null
      ? `was killed by signal ${signalName(exit.signal, policy.rt)}${exit.core ? ' (core dumped)' : ''}`
      : `exited with status ${exit.exitCode}`;
  const ended = log(Level.Info, `Main child (pid ${exit.pid}) ${how}; exit code ${code}`);
  if (policy.graceMs <= 0) return { state: { phase: 'done', code }, effects: [ended, { type: 'exit', code }] };
  // The sweep that reaped the main child ends with a 'reaped' event: when nothing is left, tinit
  // exits at once; else the rest get SIGTERM and the grace period (draining, below).
  return { state: { phase: 'draining', code, signalled: false, killed: false, killRounds: 0 }, effects: [ended] };
}

function paused(state: InitState & { phase: 'paused' }, event: InitEvent, policy: InitPolicy): Transition {
  if (event.type === 'exited') return { state, effects: [orphanReaped(event.exit, policy)] };
  if (event.type !== 'signal') return { state, effects: [] };
  const chld = reapOnChld(state, event.signo);
  if (chld) return chld;
  if (event.signo === SIGTERM || event.signo === SIGINT) {
    return { state: { phase: 'done', code: 0 }, effects: [log(Level.Info, `Pause ended by ${signalName(event.signo)}`), { type: 'exit', code: 0 }] };
  }
  return { state, effects: [log(Level.Debug, `Ignoring ${signalName(event.signo, policy.rt)} in pause mode`)] };
}

function draining(state: InitState & { phase: 'draining' }, event: InitEvent, policy: InitPolicy): Transition {
  switch (event.type) {
    case 'signal': {
      const chld = reapOnChld(state, event.signo);
      if (chld) return chld;
      // The main child is gone: whatever arrives now concerns what is left.
      const signo = policy.rewrites.get(event.signo) ?? event.signo;
      return { state, effects: signo === 0 ? [] : [{ type: 'broadcast', signo }] };
    }
    case 'exited':
      return { state, effects: [orphanReaped(event.exit, policy)] };
    case 'reaped':
      if (!event.childrenRemain) return { state: { phase: 'done', code: state.code }, effects: [{ type: 'exit', code: state.code }] };
      if (state.signalled) return { state, effects: [] };
      return {
        state: { ...state, signalled: true },
        // SIGCONT too: a stopped process would otherwise sit on its SIGTERM until the SIGKILL.
        effects: [{ type: 'broadcast', signo: SIGTERM }, { type: 'broadcast', signo: SIGCONT }, { type: 'timer', name: 'grace', ms: policy.graceMs }],
      };
    case 'timer':
      if (event.name === 'grace' && !state.killed) {
        return {
          state: { ...state, killed: true, killRounds: 1 },
          effects: [
            log(Level.Warn, `Grace period of ${policy.graceMs} ms is over; killing what is left`),
            { type: 'broadcast', signo: SIGKILL },
            { type: 'timer', name: 'kill', ms: policy.killWaitMs / KILL_ROUNDS },
          ],
        };
      }
      if (event.name === 'kill' && state.killRounds < KILL_ROUNDS) {
        return {
          state: { ...state, killRounds: state.killRounds + 1 },
          effects: [{ type: 'broadcast', signo: SIGKILL }, { type: 'timer', name: 'kill', ms: policy.killWaitMs / KILL_ROUNDS }],
        };
      }
      if (event.name === 'kill') {
        return {
          state: { phase: 'done', code: state.code },
          effects: [log(Level.Warn, 'Descendants still present after SIGKILL; exiting anyway'), { type: 'exit', code: state.code }],
        };
      }
      return { state, effects: [] };
  }
}
