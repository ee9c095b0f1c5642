// Pure logic at the edges: PATH search, exit-code mapping, option and environment parsing.
import { describe, expect, it } from 'vitest';
import { readBootFacts } from '../../src/boot/wrapper-env';
import { initOptionsFrom } from '../../src/cli/init-command';
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
  const opts = { verbose: 0 };
  it.each<[string, NodeJS.ProcessEnv, { subreaper?: boolean; processGroup?: boolean; verbose: number }, Partial<ReturnType<typeof initOptionsFrom>>]>([
    ['defaults', {}, opts, { subreaper: false, killProcessGroup: false, verbosity: 1 }],
    ['-s and -g', {}, { subreaper: true, processGroup: true, verbose: 0 }, { subreaper: true, killProcessGroup: true }],
    ['TINI_SUBREAPER empty still counts', { TINI_SUBREAPER: '' }, opts, { subreaper: true }],
    ['TINIT_KILL_PROCESS_GROUP', { TINIT_KILL_PROCESS_GROUP: '0' }, opts, { killProcessGroup: true }],
    ['-vv', {}, { verbose: 2 }, { verbosity: 3 }],
    ['TINI_VERBOSITY replaces -v', { TINI_VERBOSITY: '0' }, { verbose: 3 }, { verbosity: 0 }],
    ['TINI_VERBOSITY non-numeric is 0', { TINI_VERBOSITY: 'loud' }, opts, { verbosity: 0 }],
    ['TINIT_VERBOSITY wins over TINI_', { TINIT_VERBOSITY: '4', TINI_VERBOSITY: '2' }, opts, { verbosity: 4 }],
  ])('%s', (_name, env, flags, expected) => {
    expect(initOptionsFrom('prog', ['a'], flags, env)).toMatchObject({ program: 'prog', args: ['a'], ...expected });
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
