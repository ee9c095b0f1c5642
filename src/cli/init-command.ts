// `tinit [options] [--] program [args...]`: tini's, dumb-init's and catatonit's flags on one
// command. Options stop at the program name, so `tinit ls -l` runs `ls -l` (tini's getopt
// would eat the -l). Environment switches follow each peer: presence of TINI_SUBREAPER or
// TINI_KILL_PROCESS_GROUP is enough, TINI_VERBOSITY replaces the -v count, DUMB_INIT_SETSID
// is off only for "0", DUMB_INIT_DEBUG is on only for "1", CATATONIT_DEBUG for any value.
import { Command } from 'commander';
import type { InitOptions } from '../init/run';
import type { RealtimeRange } from '../signals/table';
import { parseDuration, parseExitCode, parseRewrite, parseSignal } from './parse-values';

export interface ParsedInit extends InitOptions {
  verbosity: number;
}

/** What commander hands the action (raw strings; checked in initOptionsFrom). */
export interface RawInitFlags {
  subreaper?: boolean;
  processGroup?: boolean;
  verbose: number;
  pdeathsig?: string;
  warnOnReap?: boolean;
  expect?: string[];
  rewrite?: string[];
  singleChild?: boolean;
  setsid?: boolean;
  pause?: boolean;
  gracePeriod?: string;
  signalAll?: boolean;
  exitReport?: string;
}

/** The first of TINIT_<name> and TINI_<name> that is set. */
export function envSwitch(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[`TINIT_${name}`] ?? env[`TINI_${name}`];
}

const collect = (value: string, list: string[] | undefined) => [...(list ?? []), value];

export function defineInitOptions(command: Command): Command {
  return command
    .usage('[options] [--] program [args...]')
    .argument('[program]', 'the program to run as the main child (PATH is searched)')
    .argument('[args...]', 'its arguments, passed unchanged')
    .option('-s, --subreaper', 'register as a child subreaper, so orphans are reaped when not PID 1 (env TINI_SUBREAPER)')
    .option('-g, --process-group', "send signals to the child's whole process group (env TINI_KILL_PROCESS_GROUP)")
    .option('-p, --pdeathsig <signal>', "signal tinit gets (and forwards) when its own parent dies (tini's -p)")
    .option('-w, --warn-on-reap', 'log a warning for every orphan reaped')
    .option('-e, --expect <code>', 'report exit code <code> (0-255) as 0; repeatable', collect)
    .option('-r, --rewrite <s:r>', 'forward signal s as r (1-31; r = 0 drops s); repeatable', collect)
    .option('-c, --single-child', 'signals go to the direct child only (turns off --setsid and -g)')
    .option('--setsid', "dumb-init's mode: the child leads a new session, signals go to its group (env DUMB_INIT_SETSID)")
    .option('-P, --pause', 'run no child: reap orphans and exit 0 on SIGTERM or SIGINT (pod infrastructure)')
    .option('--grace-period <duration>', 'after the main child exits, SIGTERM what is left and wait this long before SIGKILL (3s as PID 1, else 0; env TINIT_GRACE_PERIOD)')
    .option('--signal-all', 'forward signals to every descendant, adopted orphans too (env TINIT_SIGNAL_ALL)')
    .option('--exit-report <file>', "write a JSON report of the main child's end to <file> ('-' for stderr; env TINIT_EXIT_REPORT)")
    .option('-v, --verbose', 'more output; repeat up to -vvv (env TINI_VERBOSITY sets the level)', (_v, total: number) => total + 1, 0)
    .passThroughOptions();
}

function verbosityFrom(flags: RawInitFlags, env: NodeJS.ProcessEnv): number {
  const verbosityVar = envSwitch(env, 'VERBOSITY');
  // tini: atoi(TINI_VERBOSITY), so anything non-numeric counts as 0.
  if (verbosityVar !== undefined) return parseInt(verbosityVar, 10) || 0;
  const debug = env.DUMB_INIT_DEBUG === '1' || env.CATATONIT_DEBUG !== undefined;
  return Math.max(1 + flags.verbose, debug ? 3 : 0);
}

function setsidFrom(flags: RawInitFlags, env: NodeJS.ProcessEnv): boolean {
  if (flags.singleChild) return false;
  if (flags.setsid) return true;
  return env.DUMB_INIT_SETSID !== undefined && env.DUMB_INIT_SETSID !== '0';
}

/** Checks every value; throws ValueError naming the first bad one. */
export function initOptionsFrom(
  program: string | null,
  args: string[],
  flags: RawInitFlags,
  env: NodeJS.ProcessEnv,
  rt: RealtimeRange,
): ParsedInit {
  const grace = flags.gracePeriod ?? env.TINIT_GRACE_PERIOD;
  const report = flags.exitReport ?? env.TINIT_EXIT_REPORT;
  return {
    program: flags.pause ? null : program,
    args: flags.pause ? [] : args,
    subreaper: Boolean(flags.subreaper) || envSwitch(env, 'SUBREAPER') !== undefined,
    killProcessGroup: !flags.singleChild && (Boolean(flags.processGroup) || envSwitch(env, 'KILL_PROCESS_GROUP') !== undefined),
    setsid: setsidFrom(flags, env),
    signalAll: Boolean(flags.signalAll) || env.TINIT_SIGNAL_ALL !== undefined,
    parentDeathSignal: flags.pdeathsig !== undefined ? parseSignal(flags.pdeathsig, '-p', rt) : null,
    warnOnReap: Boolean(flags.warnOnReap),
    remapToZero: (flags.expect ?? []).map(parseExitCode),
    rewrites: (flags.rewrite ?? []).map((r) => parseRewrite(r, rt)),
    graceMs: grace !== undefined && grace !== '' ? parseDuration(grace, flags.gracePeriod !== undefined ? '--grace-period' : 'TINIT_GRACE_PERIOD') : null,
    exitReport: report !== undefined && report !== '' ? report : null,
    verbosity: verbosityFrom(flags, env),
  };
}
