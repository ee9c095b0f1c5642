// Zombie reaping: as PID 1 of a PID namespace, and as a child subreaper when not PID 1.
import * as fs from 'fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, killAll, PID1_PREFIX, run, runTinit } from '../helpers/run';

afterEach(killAll);

describe('reaping as PID 1', () => {
  it('reaps the orphans a child makes: no zombie is left in the namespace', async () => {
    const r = await run('unshare', [...PID1_PREFIX, '--', `${FIXTURES}/orphans.sh`, '20', '5']);
    expect(r.stdout).toBe('zombies=0\n');
    expect(r.code).toBe(0);
  });

  it('reaps a 2,000-orphan storm', async () => {
    const r = await run('unshare', [...PID1_PREFIX, '--', `${FIXTURES}/orphans.sh`, '2000', '20'], { timeoutMs: 60_000 });
    expect(r.stdout).toBe('zombies=0\n');
    expect(r.code).toBe(0);
  }, 70_000);

  it('is PID 1 and does not warn about reaping there', async () => {
    const r = await run('unshare', [...PID1_PREFIX, '--', 'sh', '-c', 'echo "parent=$PPID"']);
    expect(r.stdout).toBe('parent=1\n');
    expect(r.stderr).toBe('');
  });
});

describe('reaping when not PID 1', () => {
  it('with -s, an orphan of the child is re-parented to tinit', async () => {
    const script = '(sleep 5 >/dev/null 2>&1 & echo $! > "$1"); sleep 0.3; o=$(cat "$1"); ' +
      'set -- $(sed "s/.*) //" /proc/$o/stat); echo "ppid=$2 tinit=$PPID"; kill $o';
    const file = fs.mkdtempSync('/tmp/tinit-test-') + '/orphan';
    const r = await runTinit(['-s', '--', 'sh', '-c', script, 'sh', file]);
    const m = /ppid=(\d+) tinit=(\d+)/.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(m?.[1]).toBe(m?.[2]);
    expect(r.stderr).toBe('');
  });

  it("without -s, warns once that zombie reaping won't work", async () => {
    const env = { ...process.env };
    delete env.TINI_SUBREAPER;
    delete env.TINIT_SUBREAPER;
    const r = await runTinit(['--', 'true'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr.match(/zombie reaping won't work/g)).toHaveLength(1);
  });

  it('TINI_SUBREAPER (any value, even empty) means -s', async () => {
    const r = await runTinit(['--', 'true'], { env: { ...process.env, TINI_SUBREAPER: '' } });
    expect(r.stderr).toBe('');
  });
});
