// Takes over every catchable signal at start-up, before anything else runs: as PID 1, a signal
// with no handler is dropped by the kernel, and Node's own SIGTERM/SIGINT handler would
// swallow the first one (pid_namespaces(7); node-pid1.md §2). Also keeps SIGUSR1 from opening
// Node's inspector inside PID 1. Deliveries wait in a queue until someone listens.
import { loadNative, type NativeBinding } from '../native/binding';
import { forwardedSignals, SIGCHLD, TTY_SIGNALS, type RealtimeRange } from './table';

export interface SignalDelivery {
  signo: number;
  /** si_pid of the sender; 0 when the kernel sent it or deliveries were coalesced. */
  senderPid: number;
}

export type SignalListener = (deliveries: SignalDelivery[]) => void;

export interface SignalCapture {
  readonly native: NativeBinding;
  readonly rt: RealtimeRange;
  /** The signals tinit forwards (everything caught but SIGCHLD). */
  readonly forwarded: readonly number[];
  /** Sets the one listener; deliveries queued so far are handed over at once. */
  listen(listener: SignalListener): void;
  /** Whether pending capture keeps the process alive (it must, while a child runs). */
  keepAlive(on: boolean): void;
  /** Gives every signal back its default action, for commands that are not an init. */
  release(): void;
}

export function startSignalCapture(): SignalCapture {
  const native = loadNative();
  const rt = { min: native.SIGRTMIN, max: native.SIGRTMAX };
  const forwarded = forwardedSignals(rt);
  let listener: SignalListener | undefined;
  let queued: SignalDelivery[] = [];

  native.startSignalCapture((records) => {
    const batch: SignalDelivery[] = [];
    for (let i = 0; i + 1 < records.length; i += 2) {
      batch.push({ signo: records[i] as number, senderPid: records[i + 1] as number });
    }
    if (listener) listener(batch);
    else queued.push(...batch);
  });
  native.catchSignals([...forwarded, SIGCHLD]);
  native.setSignalDisposition(TTY_SIGNALS, 'ignore');

  return {
    native,
    rt,
    forwarded,
    listen(next) {
      listener = next;
      if (queued.length > 0) {
        const pending = queued;
        queued = [];
        next(pending);
      }
    },
    keepAlive(on) {
      native.setSignalCaptureRef(on);
    },
    release() {
      native.setSignalDisposition([...forwarded, SIGCHLD, ...TTY_SIGNALS], 'default');
      native.setSignalCaptureRef(false);
    },
  };
}
