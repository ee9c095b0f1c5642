import { describe, expect, it } from 'vitest';
import { addonDirectories, failureReason } from '../../src/sea/embedded-addon';
import { presentVariables, REEXEC_MARK, restoredEnvironment, stashedEnvironment } from '../../src/sea/stash';
// @ts-expect-error: a build script in plain JavaScript, without declarations
import { renameEnvironmentNames } from '../../scripts/rename-env.mjs';

const rename = renameEnvironmentNames as (b: Buffer, names: string[]) => Record<string, number>;

describe('renaming the start-up variables in the node binary', () => {
  it.each([
    ['a C string between NULs', 'x\0NODE_OPTIONS\0y', 'x\0=ODE_OPTIONS\0y', 1],
    ['two C strings', '\0NODE_OPTIONS\0NODE_OPTIONS\0', '\0=ODE_OPTIONS\0=ODE_OPTIONS\0', 2],
    ['a snapshot string (length word before it)', 'C\x0c\0\0\0NODE_OPTIONS\0', 'C\x0c\0\0\0NODE_OPTIONS\0', 0],
    ['the tail of a longer string', '\0not allowed in NODE_OPTIONS\0', '\0not allowed in NODE_OPTIONS\0', 0],
    ['a longer name it begins', '\0NODE_OPTIONS_X\0', '\0NODE_OPTIONS_X\0', 0],
    ['JavaScript source text', 'process.env.NODE_OPTIONS)', 'process.env.NODE_OPTIONS)', 0],
  ])('%s', (_what, before, after, count) => {
    const binary = Buffer.from(before, 'latin1');
    expect(rename(binary, ['NODE_OPTIONS'])).toEqual({ NODE_OPTIONS: count });
    expect(binary.toString('latin1')).toBe(after);
  });
});

describe('the single file re-execution', () => {
  const b = (...entries: string[]) => entries.map((e) => Buffer.from(e, 'latin1'));
  const text = (entries: Buffer[]) => entries.map((e) => e.toString('latin1'));

  it('finds the JS-read variables in the received environment, values or not', () => {
    expect(presentVariables(b('PATH=/bin', 'NODE_CHANNEL_FD=3', 'NODE_DEBUGX=1', 'NODE_DEBUG='))).toEqual(['NODE_DEBUG', 'NODE_CHANNEL_FD']);
  });

  it('moves only the named variables aside, bytes unchanged, and marks the re-execution', () => {
    const env = stashedEnvironment(b('NODE_DEBUG=net', 'V=a\xffb', 'EMPTY='), ['NODE_DEBUG']);
    expect(text(env)).toEqual(['TINIT_STASHED_NODE_DEBUG=net', 'V=a\xffb', 'EMPTY=', REEXEC_MARK]);
  });

  it('puts them back for children, and only after its own re-execution', () => {
    const back = restoredEnvironment(stashedEnvironment(b('NODE_DEBUG=net', 'TINIT_STASHED_PATH=/x', 'V=a\xffb'), ['NODE_DEBUG']));
    expect(text(back)).toEqual(['NODE_DEBUG=net', 'TINIT_STASHED_PATH=/x', 'V=a\xffb']);
    expect(text(restoredEnvironment(b('TINIT_STASHED_NODE_DEBUG=x')))).toEqual(['TINIT_STASHED_NODE_DEBUG=x']);
  });
});

describe('where the embedded addon is written', () => {
  it('tries the named directory first, then TMPDIR, then the usual places, once each', () => {
    expect(addonDirectories({ TINIT_ADDON_DIR: '/scratch', TMPDIR: '/tmp' })).toEqual(['/scratch', '/tmp', '/dev/shm', '/run', '/var/tmp', '/']);
    expect(addonDirectories({ TMPDIR: 'relative' })).toEqual(['/tmp', '/dev/shm', '/run', '/var/tmp', '/']);
  });

  it.each([
    [Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' }), 'read-only'],
    [Object.assign(new Error('x'), { code: 'EACCES' }), 'not writable'],
    [Object.assign(new Error('x'), { code: 'ENOENT' }), 'missing'],
    [Object.assign(new Error('x'), { code: 'ENOSPC' }), 'full'],
    [new Error('/tmp/tinit-x/tinit.node: failed to map segment from shared object'), 'mounted noexec'],
  ])('names why a directory failed: %s', (err, reason) => {
    expect(failureReason(err)).toBe(reason);
  });
});
