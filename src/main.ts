// Entry point (bin/tinit; the single file's src/sea/entry.ts ends here too). Signal capture comes first, synchronously, before any other module
// loads: until then a signal to PID 1 is lost (node-pid1.md §2).
import { takeEnvironCopy } from './boot/wrapper-env';
import { writeFully } from './log';
import { startSignalCapture, type SignalCapture } from './signals/capture';

let capture: SignalCapture;
// The prologue's stopped shell holds the environment; take it and end that shell before
// anything below can fail (the shell, stopped, would otherwise stay forever).
takeEnvironCopy();
try {
  capture = startSignalCapture();
} catch (err) {
  // Nothing runs yet: one clear line (the addon is missing or broken), exit 1.
  writeFully(2, `tinit: ${(err as Error).message}\n`);
  process.exit(1);
}

// Loaded only now, so nothing above can delay the handlers.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runCli } = require('./cli/program') as typeof import('./cli/program');
runCli(process.argv.slice(2), capture);
