// Under a terminal (script(1) gives tinit a pty as its controlling terminal) the child is the
// foreground process group, so Ctrl-C reaches it and tinit exits 130.
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, start, TINIT } from '../helpers/run';

afterEach(killAll);

describe('terminal', () => {
  it('makes the child the foreground group; Ctrl-C gives 130', async () => {
    // Fields 5 and 8 of /proc/self/stat: the process group and the terminal's foreground group.
    const child = 'set -- $(sed "s/.*) //" /proc/$$/stat); echo "pgrp=$3 tpgid=$6"; exec sleep 100';
    const r = start('script', ['-q', '-e', '-c', `${TINIT} -s -- sh -c '${child}'`, '/dev/null']);
    await r.waitFor(/pgrp=\d+ tpgid=\d+/);
    const m = /pgrp=(\d+) tpgid=(\d+)/.exec(r.stdout());
    expect(m?.[1]).toBe(m?.[2]);
    r.child.stdin?.write('\x03');
    const done = await r.finished;
    expect(done.code).toBe(130);
  });
});
