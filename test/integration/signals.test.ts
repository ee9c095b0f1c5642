// Signal forwarding: every catchable signal reaches the child, -g reaches its group, real-time
// signals too, and PID 1 keeps every SIGTERM (Node's own handler would swallow the first).
import { afterEach, describe, expect, it } from 'vitest';
import { childOf, commandBecomes, endedWithin, FIXTURES, killAll, PID1_PREFIX, start, TINIT } from '../helpers/run';

afterEach(killAll);

const TRAPPED = ['HUP', 'INT', 'QUIT', 'USR1', 'USR2', 'WINCH', 'ALRM'] as const;

describe('signal forwarding', () => {
  it(`forwards ${TRAPPED.join(' ')} and TERM to a child that traps them`, async () => {
    const r = start(TINIT, ['-s', '--', `${FIXTURES}/trap-signals.sh`]);
    await r.waitFor('ready');
    for (const sig of TRAPPED) {
      process.kill(r.child.pid as number, `SIG${sig}`);
      await r.waitFor(`got ${sig}\n`);
    }
    process.kill(r.child.pid as number, 'SIGTERM');
    const done = await r.finished;
    expect(done.stdout).toBe(['ready', ...TRAPPED.map((s) => `got ${s}`), 'got TERM', ''].join('\n'));
    expect(done.code).toBe(0);
    // SIGUSR1 to a Node process opens its inspector unless someone listens for it.
    expect(done.stderr).not.toMatch(/Debugger listening/);
  });

  it('forwards a real-time signal (SIGRTMIN+3), which Node cannot name', async () => {
    const r = start(TINIT, ['-s', '--', `${FIXTURES}/trap-signals.sh`]);
    await r.waitFor('ready');
    process.kill(r.child.pid as number, 37);
    await r.waitFor('got 37\n');
    process.kill(r.child.pid as number, 'SIGTERM');
    expect((await r.finished).code).toBe(0);
  });

  it('gives 128+N when a forwarded signal kills the child', async () => {
    const r = start(TINIT, ['-s', '--', 'sh', '-c', 'echo ready; exec sleep 100']);
    await r.waitFor('ready');
    process.kill(r.child.pid as number, 'SIGUSR2');
    expect((await r.finished).code).toBe(128 + 12);
  });

  // The child reports its background sleep; the test then looks at that sleep directly.
  const GROUP_SCRIPT = 'trap "echo trapped" USR1; sleep 1000 >/dev/null 2>&1 & echo "bg=$!"; wait; wait';

  it("with -g, reaches a background member of the child's process group", async () => {
    const r = start(TINIT, ['-s', '-g', '--', 'sh', '-c', GROUP_SCRIPT]);
    await r.waitFor(/bg=\d+\n/);
    const bg = Number(/bg=(\d+)/.exec(r.stdout())?.[1]);
    // Until it has exec'd, the forked shell would run the trap itself and not die.
    await commandBecomes(bg, 'sleep');
    process.kill(r.child.pid as number, 'SIGUSR1');
    await r.waitFor('trapped');
    expect(await endedWithin(bg, 5000)).toBe(true);
  });

  it('without -g, the background member is left alone', async () => {
    const r = start(TINIT, ['-s', '--', 'sh', '-c', GROUP_SCRIPT]);
    await r.waitFor(/bg=\d+\n/);
    const bg = Number(/bg=(\d+)/.exec(r.stdout())?.[1]);
    // Until it has exec'd, the forked shell would run the trap itself and not die.
    await commandBecomes(bg, 'sleep');
    process.kill(r.child.pid as number, 'SIGUSR1');
    await r.waitFor('trapped');
    expect(await endedWithin(bg, 300)).toBe(false);
    process.kill(bg, 'SIGKILL');
  });

  it('as PID 1, forwards the first SIGTERM and every later one', async () => {
    const script = 'n=0; trap \'n=$((n+1)); echo "term $n"; [ $n -ge 3 ] && exit 0\' TERM; echo ready; ' +
      'while :; do sleep 1000 >/dev/null 2>&1 & wait $!; kill $! 2>/dev/null; done';
    const r = start('unshare', [...PID1_PREFIX, '--', 'sh', '-c', script]);
    await r.waitFor('ready');
    const pid1 = childOf(r.child.pid as number);
    expect(pid1).toBeDefined();
    for (const n of [1, 2, 3]) {
      process.kill(pid1 as number, 'SIGTERM');
      await r.waitFor(`term ${n}\n`);
    }
    const done = await r.finished;
    expect(done.code).toBe(0);
  });
});
