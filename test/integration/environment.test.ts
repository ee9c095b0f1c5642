// What the child inherits besides stdio: default signal dispositions and an empty mask, the
// open-files limit tinit was given, and NODE_* variables that must not touch tinit itself.
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, run, runTinit, TINIT } from '../helpers/run';

afterEach(killAll);

describe('child environment', () => {
  it('starts the child with SigIgn and SigBlk of 0, whatever the caller ignored or blocked', async () => {
    // python ignores INT and TTOU and blocks TERM and USR1 (both survive exec), then execs tinit.
    const setup =
      'import os,signal,sys\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nsignal.signal(signal.SIGTTOU, signal.SIG_IGN)\n' +
      'signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGUSR1})\nos.execv(sys.argv[1], sys.argv[1:])';
    const r = await run('python3', ['-c', setup, TINIT, '-s', '--', 'grep', '-E', '^Sig(Ign|Blk)', '/proc/self/status']);
    expect(r.stdout).toBe('SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n');
  });

  it('gives the child the open-files soft limit tinit started with, not the one Node raised', async () => {
    const r = await run('sh', ['-c', `ulimit -S -n 777 && exec ${TINIT} -s -- sh -c 'ulimit -S -n'`]);
    expect(r.stdout).toBe('777\n');
  });

  it('keeps NODE_OPTIONS away from tinit and hands it to the child unchanged', async () => {
    // Applied to tinit's own Node, this would fail before tinit could run anything.
    const options = '--require /nonexistent/hijack.js --max-old-space-size=64';
    const r = await runTinit(['-s', '--', 'sh', '-c', 'printf "%s" "$NODE_OPTIONS"'], {
      env: { ...process.env, NODE_OPTIONS: options },
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(options);
    expect(r.code).toBe(0);
  });

  it('keeps NODE_EXTRA_CA_CERTS out of tinit’s own environment; the child still has it', async () => {
    const script = 'printf "%s|" "$NODE_EXTRA_CA_CERTS"; tr "\\0" "\\n" < /proc/$PPID/environ | grep -c "^NODE_EXTRA_CA_CERTS=" || true';
    const r = await runTinit(['-s', '--', 'sh', '-c', script], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' },
    });
    expect(r.stdout).toBe('/etc/ssl/certs/ca-certificates.crt|0\n');
  });

  it('tells an unset variable from an empty one, and leaves no TINIT_ bookkeeping behind', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_DEBUG: '' };
    delete env.NODE_OPTIONS;
    const script = 'echo "${NODE_OPTIONS-unset} [${NODE_DEBUG-unset}]"; env | grep -c "^TINIT_" || true';
    const r = await runTinit(['-s', '--', 'sh', '-c', script], { env });
    expect(r.stdout).toBe('unset []\n0\n');
  });
});
