// Pure logic at the edges: PATH search, exit-code mapping, option and environment parsing.
import { describe, expect, it } from 'vitest';
import { envView, readBootFacts, splitEnviron } from '../../src/boot/wrapper-env';
import type { NativeBinding } from '../../src/native/binding';
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

  it('refuses what a Node timer cannot wait for', () => {
    expect(parseDuration('596h', 'x')).toBe(596 * 3_600_000);
    expect(() => parseDuration('597h', '--grace-period')).toThrow("--grace-period: '597h' is too long (at most 596h, about 24 days)");
  });
});

describe('boot facts from the bin/tinit prologue', () => {
  // Without TINIT_ENV_PID the addon is never touched.
  const native = {} as NativeBinding;

  it('falls back to Node’s environment, restoring stashed variables and dropping bookkeeping', () => {
    const facts = readBootFacts(native, {
      PATH: '/bin',
      TINIT_STASHED_NODE_OPTIONS: '--require x',
      TINIT_STASHED_NODE_DEBUG: '',
      TINIT_INHERITED_FDS: ' 0 1 2 10 251 7',
      TINIT_NOFILE_SOFT: '1024',
    });
    expect(facts.childEnvEntries.map(String).sort()).toEqual(['NODE_DEBUG=', 'NODE_OPTIONS=--require x', 'PATH=/bin']);
    expect(facts.inheritedFds).toEqual([7, 10, 251]);
    expect(facts.nofileSoft).toBe(1024);
  });

  it('keeps names that are Object.prototype members', () => {
    const facts = readBootFacts(native, { toString: '1', constructor: '2', __proto__: '3' } as unknown as NodeJS.ProcessEnv);
    expect(facts.childEnvEntries.map(String)).toContain('toString=1');
    expect(facts.childEnv.constructor).toBe('2');
  });

  it('knows nothing of fds and limits when the prologue did not run', () => {
    const facts = readBootFacts(native, { PATH: '/bin' });
    expect(facts.inheritedFds).toBeNull();
    expect(facts.nofileSoft).toBeNull();
  });

  it('reads an unlimited soft limit', () => {
    expect(readBootFacts(native, { TINIT_NOFILE_SOFT: 'unlimited' }).nofileSoft).toBe(-1);
  });

  it('splits an environ block byte for byte; the first of duplicate names wins in the view', () => {
    const block = Buffer.concat([Buffer.from('a.b=1\0A=1\0A=2\0'), Buffer.from([0x58, 0x3d, 0xff, 0]), Buffer.from('noequals\0')]);
    expect(splitEnviron(Buffer.from('a\0\0b\0'), true).map(String)).toEqual(['a', '', 'b']);
    const entries = splitEnviron(block);
    expect(entries.map((e) => e.toString('latin1'))).toEqual(['a.b=1', 'A=1', 'A=2', 'X=\xff', 'noequals']);
    const view = envView(entries);
    expect(view.A).toBe('1');
    expect(view['a.b']).toBe('1');
    expect(view.X).toBe('\xff');
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
