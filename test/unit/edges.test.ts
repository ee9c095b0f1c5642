// Pure logic at the edges: PATH search, exit-code mapping, option and environment parsing.
import { describe, expect, it } from 'vitest';
import { readBootFacts } from '../../src/boot/wrapper-env';
import { initOptionsFrom, type RawInitFlags } from '../../src/cli/init-command';
import { parseDuration } from '../../src/cli/parse-values';
import { execFailureCode, statusCode } from '../../src/exit-codes';
import { execCandidates } from '../../src/init/path-search';
import { forwardedSignals, signalName } from '../../src/signals/table';

describe('execCandidates (execvp PATH search)', () => {
  it.each<[string, string | undefined, string[]]>([
    ['ls', '/usr/bin:/bin', ['/usr/bin/ls', '/bin/ls']],
    ['ls', '/opt/x/:', ['/opt/x/ls', './ls']],
    ['ls', undefined, ['/bin/ls', '/usr/bin/ls']],
    ['./run.sh', '/usr/bin', ['./run.sh']],
    ['/bin/sh', '/usr/bin', ['/bin/sh']],
    ['', '/usr/bin', ['']],
  ])('%s with PATH=%s', (file, pathVar, expected) => {
    expect(execCandidates(file, pathVar)).toEqual(expected);
  });
});

describe('exit codes', () => {
  it.each<[number | null, number | null, number]>([
    [0, null, 0],
    [255, null, 255],
    [null, 9, 137],
    [null, 15, 143],
    [null, 64, 192],
  ])('exit %s / signal %s gives %i', (exitCode, signal, code) => {
    expect(statusCode(exitCode, signal)).toBe(code);
  });

  it.each([
    ['ENOENT', 127],
    ['EACCES', 126],
    ['ENOTDIR', 1],
    ['E2BIG', 1],
  ])('exec failure %s gives %i', (code, exitCode) => {
    expect(execFailureCode(code)).toBe(exitCode);
  });
});

describe('init options', () => {
  const rt = { min: 34, max: 64 };
  const none: RawInitFlags = { verbose: 0, expect: [], rewrite: [] };
  it.each<[string, NodeJS.ProcessEnv, Partial<RawInitFlags>, Partial<ReturnType<typeof initOptionsFrom>>]>([
    ['defaults', {}, {}, { subreaper: false, killProcessGroup: false, setsid: false, verbosity: 1, graceMs: null, exitReport: null }],
    ['-s and -g', {}, { subreaper: true, processGroup: true }, { subreaper: true, killProcessGroup: true }],
    ['TINI_SUBREAPER empty still counts', { TINI_SUBREAPER: '' }, {}, { subreaper: true }],
    ['TINIT_KILL_PROCESS_GROUP', { TINIT_KILL_PROCESS_GROUP: '0' }, {}, { killProcessGroup: true }],
    ['-c overrides -g', {}, { processGroup: true, singleChild: true }, { killProcessGroup: false }],
    ['-vv', {}, { verbose: 2 }, { verbosity: 3 }],
    ['TINI_VERBOSITY replaces -v', { TINI_VERBOSITY: '0' }, { verbose: 3 }, { verbosity: 0 }],
    ['TINI_VERBOSITY non-numeric is 0', { TINI_VERBOSITY: 'loud' }, {}, { verbosity: 0 }],
    ['TINIT_VERBOSITY wins over TINI_', { TINIT_VERBOSITY: '4', TINI_VERBOSITY: '2' }, {}, { verbosity: 4 }],
    ['DUMB_INIT_DEBUG=1 is debug', { DUMB_INIT_DEBUG: '1' }, {}, { verbosity: 3 }],
    ['DUMB_INIT_DEBUG=yes is not', { DUMB_INIT_DEBUG: 'yes' }, {}, { verbosity: 1 }],
    ['CATATONIT_DEBUG (any value) is debug', { CATATONIT_DEBUG: '' }, {}, { verbosity: 3 }],
    ['--setsid', {}, { setsid: true }, { setsid: true }],
    ['DUMB_INIT_SETSID=1', { DUMB_INIT_SETSID: '1' }, {}, { setsid: true }],
    ['DUMB_INIT_SETSID=0', { DUMB_INIT_SETSID: '0' }, {}, { setsid: false }],
    ['-c overrides DUMB_INIT_SETSID', { DUMB_INIT_SETSID: '1' }, { singleChild: true }, { setsid: false }],
    ['-p USR1', {}, { pdeathsig: 'USR1' }, { parentDeathSignal: 10 }],
    ['-p SIGKILL', {}, { pdeathsig: 'SIGKILL' }, { parentDeathSignal: 9 }],
    ['-p 15', {}, { pdeathsig: '15' }, { parentDeathSignal: 15 }],
    ['-p SIGRTMIN+2', {}, { pdeathsig: 'SIGRTMIN+2' }, { parentDeathSignal: 36 }],
    ['-e 3 -e 143', {}, { expect: ['3', '143'] }, { remapToZero: [3, 143] }],
    ['-r 15:3 -r INT:0', {}, { rewrite: ['15:3', 'INT:0'] }, { rewrites: [[15, 3], [2, 0]] }],
    ['--grace-period 1m30s', {}, { gracePeriod: '1m30s' }, { graceMs: 90_000 }],
    ['TINIT_GRACE_PERIOD=500ms', { TINIT_GRACE_PERIOD: '500ms' }, {}, { graceMs: 500 }],
    ['--grace-period 0 beats the env', { TINIT_GRACE_PERIOD: '5' }, { gracePeriod: '0' }, { graceMs: 0 }],
    ['-P drops the program', {}, { pause: true }, { program: null, args: [] }],
    ['--exit-report -', {}, { exitReport: '-' }, { exitReport: '-' }],
    ['TINIT_SIGNAL_ALL', { TINIT_SIGNAL_ALL: '' }, {}, { signalAll: true }],
  ])('%s', (_name, env, flags, expected) => {
    expect(initOptionsFrom('prog', ['a'], { ...none, ...flags }, env, rt)).toMatchObject({ ...expected });
  });

  it.each([
    [{ pdeathsig: 'SIGNOPE' }, "-p: 'SIGNOPE' is not a signal"],
    [{ pdeathsig: '99' }, "-p: '99' is not a signal"],
    [{ expect: ['256'] }, "-e: '256' is not an exit code"],
    [{ expect: ['x'] }, "-e: 'x' is not an exit code"],
    [{ gracePeriod: '3 days' }, "--grace-period: '3 days' is not a duration"],
    // dumb-init's rewrite parsing errors
    ...['', 'herp', '15', '15:', ':12', '15::12', '15:12:1', '0:1', '1:32', '32:1', '15:3x'].map(
      (r) => [{ rewrite: [r] }, `-r: '${r}' is not`] as [Partial<RawInitFlags>, string],
    ),
  ])('rejects %j', (flags, message) => {
    expect(() => initOptionsFrom('prog', [], { ...none, ...flags }, {}, rt)).toThrow(message);
  });
});

describe('durations', () => {
  it.each([
    ['3', 3000],
    ['2.5', 2500],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['0', 0],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text, 'x')).toBe(ms);
  });
});

describe('boot facts from the bin/tinit prologue', () => {
  it('restores stashed variables and drops the bookkeeping', () => {
    const facts = readBootFacts({
      PATH: '/bin',
      TINIT_STASHED_NODE_OPTIONS: '--require x',
      TINIT_STASHED_NODE_DEBUG: '',
      TINIT_INHERITED_FDS: ' 0 1 2 10 251 7',
      TINIT_NOFILE_SOFT: '1024',
    });
    expect(facts.childEnv).toEqual({ PATH: '/bin', NODE_OPTIONS: '--require x', NODE_DEBUG: '' });
    expect(facts.inheritedFds).toEqual([7, 10, 251]);
    expect(facts.nofileSoft).toBe(1024);
  });

  it('knows nothing when the prologue did not run', () => {
    const facts = readBootFacts({ PATH: '/bin' });
    expect(facts).toEqual({ childEnv: { PATH: '/bin' }, inheritedFds: null, nofileSoft: null });
  });

  it('reads an unlimited soft limit', () => {
    expect(readBootFacts({ TINIT_NOFILE_SOFT: 'unlimited' }).nofileSoft).toBe(-1);
  });
});

describe('signal table', () => {
  const rt = { min: 34, max: 64 };
  it('forwards every catchable signal but CHLD, PIPE, TTIN/TTOU and the kernel faults', () => {
    const list = forwardedSignals(rt);
    for (const never of [4, 5, 6, 7, 8, 9, 11, 13, 17, 19, 21, 22, 31]) expect(list).not.toContain(never);
    for (const always of [1, 2, 3, 10, 12, 14, 15, 18, 20, 23, 28, 34, 37, 64]) expect(list).toContain(always);
    expect(list).toHaveLength(31 - 13 + 31);
  });

  it.each([
    [15, 'SIGTERM'],
    [6, 'SIGABRT'],
    [34, 'SIGRTMIN'],
    [37, 'SIGRTMIN+3'],
    [33, 'SIG33'],
  ])('names %i %s', (signo, name) => {
    expect(signalName(signo, rt)).toBe(name);
  });
});
