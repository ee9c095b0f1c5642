// Entry point (bin/tinit). Signal capture comes first, synchronously, before any other module
// loads: until then a signal to PID 1 is lost (node-pid1.md §2).
import { startSignalCapture } from './signals/capture';

const capture = startSignalCapture();

// Loaded only now, so nothing above can delay the handlers.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runCli } = require('./cli/program') as typeof import('./cli/program');
runCli(process.argv.slice(2), capture);
