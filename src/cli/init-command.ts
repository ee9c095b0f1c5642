// `tinit [options] [--] program [args...]`: options stop at the program name, so `tinit ls -l`
// runs `ls -l` (tini's getopt would eat the -l). Environment switches follow tini: presence
// of TINI_SUBREAPER / TINI_KILL_PROCESS_GROUP is enough, TINI_VERBOSITY replaces the -v count.
import { Command } from 'commander';
import type { InitOptions } from '../init/run';

export interface ParsedInit extends InitOptions {
  verbosity: number;
}

/** The first of TINIT_<name> and TINI_<name> that is set. */
export function envSwitch(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[`TINIT_${name}`] ?? env[`TINI_${name}`];
}

export function defineInitOptions(command: Command): Command {
  return command
    .usage('[options] [--] program [args...]')
    .argument('[program]', 'the program to run as the main child (PATH is searched)')
    .argument('[args...]', 'its arguments, passed unchanged')
    .option('-s, --subreaper', 'register as a child subreaper (when not PID 1), so orphans are reaped (env TINI_SUBREAPER)')
    .option('-g, --process-group', "send signals to the child's whole process group (env TINI_KILL_PROCESS_GROUP)")
    .option('-v, --verbose', 'more output; repeat up to -vvv (env TINI_VERBOSITY sets the level)', (_v, total: number) => total + 1, 0)
    .passThroughOptions();
}

export function initOptionsFrom(
  program: string,
  args: string[],
  opts: { subreaper?: boolean; processGroup?: boolean; verbose: number },
  env: NodeJS.ProcessEnv,
): ParsedInit {
  const verbosityVar = envSwitch(env, 'VERBOSITY');
  return {
    program,
    args,
    subreaper: Boolean(opts.subreaper) || envSwitch(env, 'SUBREAPER') !== undefined,
    killProcessGroup: Boolean(opts.processGroup) || envSwitch(env, 'KILL_PROCESS_GROUP') !== undefined,
    // tini: atoi(TINI_VERBOSITY), so anything non-numeric counts as 0.
    verbosity: verbosityVar !== undefined ? parseInt(verbosityVar, 10) || 0 : 1 + opts.verbose,
  };
}
