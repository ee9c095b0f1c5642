// The command line. Commander's output goes through writeFully (never process.stdout/stderr,
// which would make shared pipes non-blocking), and its exits come back here as exceptions.
import { Command, CommanderError, Option } from 'commander';
import fs = require('fs');
import path = require('path');
import { readBootFacts, type BootFacts } from '../boot/wrapper-env';
import { packageRoot } from '../native/binding';
import { EXIT_USAGE } from '../exit-codes';
import { runInit } from '../init/run';
import { Logger, writeFully } from '../log';
import type { SignalCapture } from '../signals/capture';
import { VERSION_LINE } from '../version';
import { defineInitOptions, initOptionsFrom, type RawInitFlags } from './init-command';
import { ValueError } from './parse-values';

const output = {
  writeOut: (text: string) => writeFully(1, text),
  writeErr: (text: string) => writeFully(2, text),
  outputError: (text: string, write: (text: string) => void) => write(`tinit: ${text.replace(/^error: /, '')}`),
  getOutHelpWidth: () => 100,
  getErrHelpWidth: () => 100,
  getOutHasColors: () => false,
  getErrHasColors: () => false,
};

/** Ends parsing with an exit code (the job could not start, or printed what was asked). */
class EarlyExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** The licence text: a file of the package, or an asset of the single-file build. */
function licenseText(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (typeof TINIT_SINGLE_FILE !== 'undefined' && TINIT_SINGLE_FILE) return (require('node:sea') as { getAsset(key: string, encoding: string): string }).getAsset('LICENSE', 'utf8');
  return fs.readFileSync(path.join(packageRoot, 'LICENSE'), 'utf8');
}

export function buildProgram(capture: SignalCapture, boot: BootFacts): Command {
  const program = defineInitOptions(new Command('tinit'))
    .description(
      'A container init: runs program as its child, forwards every signal to it, reaps every zombie,\n' +
        'and exits with its exit code (128+N when signal N killed it).',
    )
    .version(VERSION_LINE, '-V, --version', 'print the version (in the form `docker info` parses) and exit')
    .option('-l, --license', 'print the licence and exit')
    .addOption(new Option('-L', "catatonit's spelling of -l").hideHelp())
    .helpOption('-h, --help', 'print this help and exit')
    .configureOutput(output)
    .exitOverride()
    .addHelpText(
      'after',
      '\nDiagnostics (run inside a container, whatever its init):\n' +
        '  tinit ps [--json]                 the process tree, zombies and who fails to reap them\n' +
        '  tinit doctor [--json]             test PID 1: reaping, signal delivery, stdio, zombies\n' +
        '  tinit zombies [n] [--hold m]      make orphans (and held zombies) and time the reaper\n' +
        '\nSupervisor:\n' +
        '  tinit run [-f tinit.yaml]         supervise the services of a config file\n' +
        '  tinit validate [-f tinit.yaml]    check a config file and print the start order\n' +
        '  tinit ctl status|health|start|stop|restart [service]   talk to the running supervisor\n' +
        '\nExit codes: the child\'s own code, or 128+N when signal N killed it; 127 when the program\n' +
        'is not found, 126 when it is not executable, 1 for bad usage or another start failure;\n' +
        '2 for a config file that is not valid (run, validate).',
    )
    .action((name: string | undefined, args: string[], flags: RawInitFlags & { license?: boolean; L?: boolean }) => {
      if (flags.license || flags.L) {
        writeFully(1, licenseText());
        throw new EarlyExit(0);
      }
      if (name === undefined && !flags.pause) {
        program.error('no program given: tinit [options] [--] program [args...]', { exitCode: EXIT_USAGE });
      }
      let parsed;
      try {
        parsed = initOptionsFrom(name ?? null, args, flags, boot.childEnv, capture.rt);
      } catch (err) {
        if (err instanceof ValueError) program.error(err.message, { exitCode: EXIT_USAGE });
        throw err;
      }
      const code = runInit(parsed, capture, boot, new Logger(parsed.verbosity));
      if (code !== undefined) throw new EarlyExit(code);
    });
  return program;
}

/** Commands selected by the first word; anything else is the program to run as init. */
const SUBCOMMANDS = new Set(['ps', 'doctor', 'zombies', 'validate', 'ctl']);
/** The supervisor is an init too: it keeps the signal capture. */
const SUPERVISOR_COMMANDS = new Set(['run']);

/** dist/extras.js, a bundle of its own, loaded only for a subcommand (a path esbuild leaves
 * alone). The single file has no files beside it: there the bundler inlines ./extras. */
function extras(): typeof import('./extras') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (typeof TINIT_SINGLE_FILE !== 'undefined' && TINIT_SINGLE_FILE) return require('./extras') as typeof import('./extras');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(__dirname, 'extras.js')) as typeof import('./extras');
}

function buildSubcommandProgram(capture: SignalCapture, env: NodeJS.ProcessEnv): Command {
  const program = new Command('tinit').configureOutput(output).exitOverride();
  const exit = (code: number): never => {
    throw new EarlyExit(code);
  };
  extras().addDiagCommands(program, capture, exit);
  extras().addValidateCommand(program, env, exit);
  extras().addCtlCommand(program, exit);
  return program;
}

/** How a parse ends when it throws: the code asked for, commander's, or 1 with the stack. */
function exitAfter(err: unknown): never {
  if (err instanceof EarlyExit) process.exit(err.code);
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
  writeFully(2, `[FATAL tinit (${process.pid})] ${(err as Error).stack ?? err}\n`);
  process.exit(EXIT_USAGE);
}

/** Parses argv and starts the requested job; exits the process when the job cannot start. */
export function runCli(argv: string[], capture: SignalCapture, env: NodeJS.ProcessEnv = process.env): void {
  try {
    const boot = readBootFacts(capture.native, env);
    if (SUPERVISOR_COMMANDS.has(argv[0] as string)) {
      const program = new Command('tinit').configureOutput(output).exitOverride();
      extras().addRunCommand(program, capture, boot, (code) => {
        throw new EarlyExit(code);
      });
      program.parse(argv, { from: 'user' });
      return;
    }
    if (SUBCOMMANDS.has(argv[0] as string)) {
      // Not an init: Ctrl-C and friends must work as usual.
      capture.release();
      // parseAsync: `ctl` waits for an answer; the others finish synchronously.
      buildSubcommandProgram(capture, boot.childEnv).parseAsync(argv, { from: 'user' }).catch(exitAfter);
      return;
    }
    buildProgram(capture, boot).parse(argv, { from: 'user' });
  } catch (err) {
    exitAfter(err);
  }
}
