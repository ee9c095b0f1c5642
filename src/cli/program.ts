// The command line. Commander's output goes through writeFully (never process.stdout/stderr,
// which would make shared pipes non-blocking), and its exits come back here as exceptions.
import { Command, CommanderError } from 'commander';
import { readBootFacts } from '../boot/wrapper-env';
import { EXIT_USAGE } from '../exit-codes';
import { runInit } from '../init/run';
import { Logger, writeFully } from '../log';
import type { SignalCapture } from '../signals/capture';
import { VERSION_LINE } from '../version';
import { defineInitOptions, initOptionsFrom } from './init-command';

const output = {
  writeOut: (text: string) => writeFully(1, text),
  writeErr: (text: string) => writeFully(2, text),
  outputError: (text: string, write: (text: string) => void) => write(`tinit: ${text.replace(/^error: /, '')}`),
  getOutHelpWidth: () => 100,
  getErrHelpWidth: () => 100,
  getOutHasColors: () => false,
  getErrHasColors: () => false,
};

class UsageExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function buildProgram(capture: SignalCapture, env: NodeJS.ProcessEnv): Command {
  const program = defineInitOptions(new Command('tinit'))
    .description(
      'A container init: runs program as its child, forwards every signal to it, reaps every zombie,\n' +
        'and exits with its exit code (128+N when signal N killed it).',
    )
    .version(VERSION_LINE, '--version', 'print the version (in the form `docker info` parses) and exit')
    .helpOption('-h, --help', 'print this help and exit')
    .configureOutput(output)
    .exitOverride()
    .addHelpText(
      'after',
      '\nExit codes: the child\'s own code, or 128+N when signal N killed it; 127 when the program\n' +
        'is not found, 126 when it is not executable, 1 for bad usage or another start failure.',
    )
    .action((name: string | undefined, args: string[], opts: { subreaper?: boolean; processGroup?: boolean; verbose: number }) => {
      if (name === undefined) {
        program.error('no program given: tinit [options] -- program [args...]', { exitCode: EXIT_USAGE });
      }
      const boot = readBootFacts(env);
      const parsed = initOptionsFrom(name as string, args, opts, boot.childEnv);
      const code = runInit(parsed, capture, boot, new Logger(parsed.verbosity));
      if (code !== undefined) throw new UsageExit(code);
    });
  return program;
}

/** Parses argv and starts the requested job; exits the process when the job cannot start. */
export function runCli(argv: string[], capture: SignalCapture, env: NodeJS.ProcessEnv = process.env): void {
  try {
    buildProgram(capture, env).parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof UsageExit) process.exit(err.code);
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
    writeFully(2, `[FATAL tinit (${process.pid})] ${(err as Error).stack ?? err}\n`);
    process.exit(EXIT_USAGE);
  }
}
