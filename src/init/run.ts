// Runs `tinit -- program args` (or -P, no program): set tinit up, spawn the main child, then
// turn signals, reaped exits and timers into effects (machine.ts) and carry them out. After
// the spawn everything is event-driven.
import type { BootFacts } from '../boot/wrapper-env';
import { EXIT_USAGE, execFailureCode } from '../exit-codes';
import type { Logger } from '../log';
import { isSystemError, systemErrorReason, type ChildExit } from '../native/binding';
import type { SignalCapture } from '../signals/capture';
import { signalNumber, TTY_SIGNALS } from '../signals/table';
import { signalDescendants } from './descendants';
import { buildExitReport, monotonicMs, writeExitReport } from './exit-report';
import { transition, type InitEffect, type InitEvent, type InitPolicy, type InitState } from './machine';
import { mainChildSpec } from './spawn-main';
import { closeStrayInspector } from './stray-inspector';

export interface InitOptions {
  /** null in pause mode (-P): no child at all. */
  program: string | null;
  args: string[];
  subreaper: boolean;
  killProcessGroup: boolean;
  setsid: boolean;
  signalAll: boolean;
  parentDeathSignal: number | null;
  warnOnReap: boolean;
  remapToZero: number[];
  rewrites: Array<[number, number]>;
  /** null: the default, DEFAULT_PID1_GRACE_MS as PID 1 and 0 otherwise. */
  graceMs: number | null;
  exitReport: string | null;
}

/**
 * As PID 1, whatever is left when tinit exits is SIGKILLed by the kernel, so a SIGTERM and a
 * short wait first is strictly kinder; 3 s leaves room inside `docker stop`'s 10 s.
 */
export const DEFAULT_PID1_GRACE_MS = 3000;
const KILL_WAIT_MS = 1000;

const NOT_REAPING_WARNING = [
  "tinit is not running as PID 1 and isn't registered as a child subreaper.",
  "Zombie processes will not be re-parented to tinit, so zombie reaping won't work.",
  'To fix the problem, use the -s option or set the environment variable TINI_SUBREAPER to register tinit as a child subreaper, or run tinit as PID 1.',
];

/** Returns an exit code when tinit must stop before the child runs; otherwise the process
 * exits later, when the machine says so. */
export function runInit(options: InitOptions, capture: SignalCapture, boot: BootFacts, log: Logger): number | undefined {
  const { native } = capture;
  const startedAt = monotonicMs();
  // A grace period only sees leftovers that come back to tinit: not PID 1, that needs -s.
  const subreaper = options.subreaper || (options.graceMs !== null && options.graceMs > 0);
  try {
    if (options.parentDeathSignal !== null) native.setParentDeathSignal(options.parentDeathSignal);
    if (subreaper) native.setChildSubreaper(true);
  } catch (err) {
    log.fatal(`setting up tinit failed: ${(err as Error).message}`);
    return EXIT_USAGE;
  }
  if (process.pid !== 1 && !native.isChildSubreaper()) NOT_REAPING_WARNING.forEach((line) => log.warn(line));

  const ignoreOnce: number[] = [];
  if (options.setsid) {
    // The child will lead its own session; job-control signals are forwarded as SIGSTOP.
    native.catchSignals(TTY_SIGNALS);
    // Hand the terminal over: a session leader giving it up makes the kernel send SIGHUP and
    // SIGCONT to the foreground group, tinit's own included; those are not for the child.
    const leader = native.getSessionId(0) === process.pid;
    const released = native.releaseTerminal(0);
    if (released && leader) ignoreOnce.push(signalNumber('SIGHUP') as number, signalNumber('SIGCONT') as number);
    // Only the session leader's TIOCNOTTY frees the terminal (tty_ioctl(4)); otherwise the
    // session keeps it and the child's TIOCSCTTY fails, as it does under dumb-init.
    if (released && !leader) log.warn('--setsid: tinit does not lead its session, so the child cannot take the terminal (start tinit with exec)');
  }

  let state: InitState;
  let mainExit: ChildExit | null = null;
  let gaveTerminal = false;
  if (options.program === null) {
    state = { phase: 'paused' };
  } else {
    const spec = mainChildSpec(options.program, options.args, boot, native);
    if (options.setsid) spec.newSession = true;
    gaveTerminal = spec.foreground === true && !options.setsid;
    try {
      state = { phase: 'running', child: native.spawn(spec), ignoreOnce };
    } catch (err) {
      if (!isSystemError(err)) throw err;
      log.fatal(
        err.syscall === 'execve'
          ? `exec ${options.program} failed: ${systemErrorReason(err)}`
          : `starting ${options.program} failed: ${err.message}`,
      );
      const failed = err.syscall === 'execve' ? execFailureCode(err.code) : EXIT_USAGE;
      // As tini: the code is the child's status, so -e applies to it too.
      const code = options.remapToZero.includes(failed) ? 0 : failed;
      if (options.exitReport !== null) {
        const problem = writeExitReport(options.exitReport, buildExitReport(options.program, null, code, startedAt, 0, false, capture.rt));
        if (problem) log.warn(problem);
      }
      return code;
    }
    log.info(`Spawned child process '${options.program}' with pid '${state.child}'`);
  }

  const policy: InitPolicy = {
    rt: capture.rt,
    killProcessGroup: options.killProcessGroup,
    signalAll: options.signalAll,
    setsid: options.setsid,
    rewrites: new Map(options.rewrites),
    remapToZero: new Set(options.remapToZero),
    warnOnReap: options.warnOnReap,
    graceMs: options.graceMs ?? (process.pid === 1 ? DEFAULT_PID1_GRACE_MS : 0),
    killWaitMs: KILL_WAIT_MS,
  };
  const mainPid = state.phase === 'running' ? state.child : null;
  let orphansReaped = 0;
  let leftoversKilled = false;

  const execute = (effect: InitEffect): void => {
    switch (effect.type) {
      case 'forward':
        if (!native.kill(effect.target, effect.signo)) log.warn(`Child was dead when forwarding signal ${effect.signo}`);
        return;
      case 'broadcast':
        if (effect.signo === 9) leftoversKilled = true;
        // Once the main child is gone the container is ending: everyone in it, as PID 1.
        signalDescendants(native, effect.signo, { exceptPid: effect.exceptPid, exceptGroup: effect.exceptGroup, everyone: state.phase !== 'running' });
        return;
      case 'reap': {
        const exits = native.reap();
        if (exits.length === 0) log.trace('No child to reap');
        for (const exit of exits) {
          if (exit.pid === mainPid) mainExit = exit;
          else orphansReaped++;
          dispatch({ type: 'exited', exit });
        }
        dispatch({ type: 'reaped', childrenRemain: native.childrenRemain() });
        return;
      }
      case 'timer':
        setTimeout(() => dispatch({ type: 'timer', name: effect.name }), effect.ms);
        return;
      case 'stop-self':
        native.kill(process.pid, signalNumber('SIGSTOP') as number);
        return;
      case 'log':
        log.log(effect.level, effect.message);
        return;
      case 'exit':
        if (options.exitReport !== null) {
          const report = buildExitReport(options.program, mainExit, effect.code, startedAt, orphansReaped, leftoversKilled, capture.rt);
          const problem = writeExitReport(options.exitReport, report);
          if (problem) log.warn(problem);
        }
        // Take the terminal back, so the shell that started tinit finds it in its own group.
        if (gaveTerminal) {
          try {
            native.setForegroundGroup(0, native.getProcessGroup(0));
          } catch {
            // the terminal is gone, or no longer ours: nothing to give back
          }
        }
        native.exitNow(effect.code);
    }
  };
  const dispatch = (event: InitEvent): void => {
    const next = transition(state, event, policy);
    state = next.state;
    for (const effect of next.effects) execute(effect);
  };

  // After the child exists, PID 1 must not die of its own bug: that would SIGKILL the whole
  // namespace. Log and keep reaping (style.md rule 10).
  process.on('uncaughtException', (err) => log.fatal(`internal error (continuing): ${err.stack ?? err}`));

  capture.listen((deliveries) => {
    for (const d of deliveries) dispatch({ type: 'signal', signo: d.signo, senderPid: d.senderPid });
  });
  capture.keepAlive(true);
  // A child that exited before the listener was set is collected now, not at the next signal.
  execute({ type: 'reap' });
  closeStrayInspector(log);
  return undefined;
}

