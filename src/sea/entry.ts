// Entry of the single-file build (npm run build:sea; see scripts/build-sea.mjs and README "One
// file for --init-path"). The same init as bin/tinit, with what bin/tinit's shell prologue did
// before Node started done here instead, as far as it can be:
// - NODE_OPTIONS, NODE_EXTRA_CA_CERTS and the other variables Node's C++ reads at start-up are
//   renamed in the binary itself (rename-env.mjs): the container's values never reach this
//   Node, and children get them untouched;
// - the few that Node's JavaScript reads before this line runs (NODE_DEBUG would make debug
//   output go through process.stderr, NODE_CHANNEL_FD opens an IPC channel...) are moved aside
//   as TINIT_STASHED_* and the file re-executes itself once, clean; stash.ts puts them back for
//   children, who get the environment as it was received, byte for byte;
// - a SEA cannot be given --no-warnings: Node's warning printer is removed instead, since it
//   writes through process.stderr (node-pid1.md §5).
// Not recoverable here: the open-files soft limit Node raised before any JS ran (children get
// the raised one unless TINIT_NOFILE_SOFT says otherwise) and inherited fds >= 3 that Node
// marked close-on-exec (see inheritedFdsWithoutPrologue).
process.removeAllListeners('warning');

import { writeFully } from '../log';
import { loadNative } from '../native/binding';
import { ownArgv, ownEnviron, presentVariables, stashedEnvironment } from './stash';

const environ = ownEnviron();
const present = environ ? presentVariables(environ) : [];
if (environ && present.length > 0) {
  try {
    // The same argv, byte for byte (argv[0] is the name it was started by), and a clean Node.
    const argv = ownArgv() ?? [process.argv[1] ?? process.execPath, ...process.argv.slice(2)];
    loadNative().execve(process.execPath, argv, stashedEnvironment(environ, present));
  } catch (err) {
    writeFully(2, `tinit: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

// From here on, the same start as bin/tinit's.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../main');
