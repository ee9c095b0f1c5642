// Runs `tinit -- program args`: spawn the main child, then turn signals and reaped exits into
// effects (machine.ts) and carry them out. Everything after the spawn is event-driven.
import type { BootFacts } from '../boot/wrapper-env';
import { EXIT_USAGE, execFailureCode } from '../exit-codes';
import type { Logger } from '../log';
import { isSystemError, systemErrorReason } from '../native/binding';
import type { SignalCapture } from '../signals/capture';
import { transition, type InitEffect, type InitEvent, type InitState } from './machine';
import { mainChildSpec } from './spawn-main';

export interface InitOptions {
  program: string;
  args: string[];
  subreaper: boolean;
  killProcessGroup: boolean;
}

const NOT_REAPING_WARNING = [
  "tinit is not running as PID 1 and isn't registered as a child subreaper.",
  "Zombie processes will not be re-parented to tinit, so zombie reaping won't work.",
  'To fix the problem, use the -s option or set the environment variable TINI_SUBREAPER to register tinit as a child subreaper, or run tinit as PID 1.',
];

/** Returns the exit code when tinit must stop before the child runs; otherwise never returns
 * control to a caller that matters: the process exits when the main child does. */
export function runInit(options: InitOptions, capture: SignalCapture, boot: BootFacts, log: Logger): number | undefined {
  const { native } = capture;
  if (options.subreaper) {
    try {
      native.setChildSubreaper(true);
    } catch (err) {
      log.fatal(`failed to register as child subreaper: ${(err as Error).message}`);
      return EXIT_USAGE;
    }
  }
  if (process.pid !== 1 && !native.isChildSubreaper()) NOT_REAPING_WARNING.forEach((line) => log.warn(line));

  let child: number;
  try {
    child = native.spawn(mainChildSpec(options.program, options.args, boot, native));
  } catch (err) {
    if (!isSystemError(err)) throw err;
    log.fatal(
      err.syscall === 'execve'
        ? `exec ${options.program} failed: ${systemErrorReason(err)}`
        : `starting ${options.program} failed: ${err.message}`,
    );
    return err.syscall === 'execve' ? execFailureCode(err.code) : EXIT_USAGE;
  }
  log.info(`Spawned child process '${options.program}' with pid '${child}'`);

  const policy = { killProcessGroup: options.killProcessGroup, rt: capture.rt };
  let state: InitState = { phase: 'running', child };

  const execute = (effect: InitEffect): void => {
    switch (effect.type) {
      case 'forward':
        if (!native.kill(effect.target, effect.signo)) log.warn(`Child was dead when forwarding signal ${effect.signo}`);
        return;
      case 'reap':
        for (const exit of native.reap()) dispatch({ type: 'exited', exit });
        return;
      case 'log':
        log.log(effect.level, effect.message);
        return;
      case 'exit':
        process.exit(effect.code);
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
  return undefined;
}
