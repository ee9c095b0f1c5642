// Side by side with the inits tinit replaces (Debian's tini, dumb-init and catatonit): the
// same command through each, and where tinit agrees or deliberately differs.
import { afterEach, describe, expect, it } from 'vitest';
import { commandExists, killAll, run, runTinit, TINIT } from '../helpers/run';

afterEach(killAll);

const has = commandExists;
// .ci/run installs all three; locally, `apt-get install -y tini dumb-init catatonit`.
const peersInstalled = has('tini') && has('dumb-init') && has('catatonit');

/** moby's parseInitVersion, as `docker info` reads `<init> --version`. */
function parseInitVersion(v: string): { version: string; commit: string } {
  const parts = v.split(' - ');
  let commit = '';
  if (parts.length >= 2) {
    const git = (parts[1] as string).trim().split('.');
    if (git.length === 2 && git[0] === 'git') commit = git[1] as string;
  }
  const first = (parts[0] as string).trim();
  const version = first.startsWith('tini version ') ? first.slice('tini version '.length) : '';
  if (version === '' && commit === '') throw new Error(`unknown output format: ${v}`);
  return { version, commit };
}

describe.runIf(peersInstalled)('side by side with tini, dumb-init and catatonit', () => {
  const inits: Record<string, string[]> = {
    tini: ['tini', '-s', '--'],
    'dumb-init': ['dumb-init', '--'],
    catatonit: ['catatonit', '--'],
    tinit: [TINIT, '-s', '--'],
  };
  const codes = async (args: string[]) => {
    const out: Record<string, number | null> = {};
    for (const [name, prefix] of Object.entries(inits)) {
      const [cmd, ...rest] = prefix as [string, ...string[]];
      out[name] = (await run(cmd, [...rest, ...args])).code;
    }
    return out;
  };

  it('all pass exit codes and 128+N through alike', async () => {
    expect(await codes(['sh', '-c', 'exit 3'])).toEqual({ tini: 3, 'dumb-init': 3, catatonit: 3, tinit: 3 });
    expect(await codes(['sh', '-c', 'kill -TERM $$'])).toEqual({ tini: 143, 'dumb-init': 143, catatonit: 143, tinit: 143 });
  });

  it('exec failures: tinit follows tini (127/126) where dumb-init says 2 and catatonit 1', async () => {
    expect(await codes(['/nonexistent/prog'])).toEqual({ tini: 127, 'dumb-init': 2, catatonit: 1, tinit: 127 });
    expect((await codes(['/etc'])).tini).toBe(126);
    expect((await codes(['/etc'])).tinit).toBe(126);
  });

  it('-e works as in tini', async () => {
    const tini = await run('tini', ['-s', '-e', '3', '--', 'sh', '-c', 'exit 3']);
    const tinit = await runTinit(['-s', '-e', '3', '--', 'sh', '-c', 'exit 3']);
    expect([tini.code, tinit.code]).toEqual([0, 0]);
  });

  it('`docker info` parses tinit --version as it parses tini and catatonit', async () => {
    const versions = await Promise.all([run('tini', ['--version']), run('catatonit', ['--version']), runTinit(['--version'])]);
    const [tini, catatonit, tinit] = versions.map((v) => parseInitVersion(v.stdout.trim()));
    expect(tini?.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(catatonit?.version).toMatch(/_catatonit$/);
    expect(tinit?.version).toMatch(/^\d+\.\d+\.\d+_tinit$/);
  });

  it('the child starts with an empty mask under tinit; catatonit leaves TSTP/TTIN/TTOU blocked', async () => {
    const blocked = async (prefix: string[]) => {
      const [cmd, ...rest] = prefix as [string, ...string[]];
      const r = await run(cmd, [...rest, 'grep', '^SigBlk', '/proc/self/status']);
      return r.stdout.trim();
    };
    expect(await blocked(inits.tinit as string[])).toBe('SigBlk:\t0000000000000000');
    expect(await blocked(inits.catatonit as string[])).toBe('SigBlk:\t0000000000380000');
  });

  it('options after the program belong to the program (tini would eat -l)', async () => {
    const tini = await run('tini', ['-s', 'echo', '-l']);
    const tinit = await runTinit(['-s', 'echo', '-l']);
    expect(tini.stdout).not.toBe('-l\n'); // tini printed its licence instead
    expect(tinit.stdout).toBe('-l\n');
  });

  it('warns like tini when neither PID 1 nor a subreaper', async () => {
    const env = { ...process.env };
    delete env.TINI_SUBREAPER;
    const tini = await run('tini', ['--', 'true'], { env });
    const tinit = await runTinit(['--', 'true'], { env });
    expect(tini.stderr).toMatch(/zombie reaping won't work/);
    expect(tinit.stderr).toMatch(/zombie reaping won't work/);
  });
});
