// tinit run as a container's PID 1: the web + monitor example (examples/web-monitor/Dockerfile).
import { describe, expect, it } from 'vitest';
import { docker, WEB_MONITOR_IMAGE } from './engine';
import { containerNames, exitCode, logsContain } from './wait';

const name = containerNames();

describe('the web + monitor example', () => {
  it('comes up in order, and docker stop stops the monitor, then the web app, exit 0', async () => {
    const c = name('web-monitor');
    await docker(['run', '--network', 'none', '-d', '--name', c, WEB_MONITOR_IMAGE]);
    await logsContain(c, /monitor \| \{"url".*"status":200/);
    const stop = await docker(['stop', c], { timeoutMs: 20_000 });
    expect(stop.code).toBe(0);
    expect(await exitCode(c)).toBe(0);
    const logs = await logsContain(c, 'all services are down');
    const order = ['prepare: exited (code 0)', 'web: ready', 'monitor: started', 'monitor: stopping', 'monitor | monitor stopped', 'web: stopping', 'web     | SIGTERM: closing', 'web: stopped (code 0)'];
    const at = order.map((line) => logs.indexOf(line));
    expect(at.every((i) => i >= 0), logs).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  // Another config in the same image: tinit must be PID 1 (exec), the config written first.
  async function supervise(c: string, yaml: string) {
    const script = `cat > /tmp/tinit.yaml <<'YAML'\n${yaml}\nYAML\nexec tinit run -f /tmp/tinit.yaml`;
    return docker(['run', '--network', 'none', '--name', c, '--entrypoint', 'sh', WEB_MONITOR_IMAGE, '-c', script], { timeoutMs: 60_000 });
  }

  it('a failed required oneshot ends the container with its exit code', async () => {
    const c = name('oneshot');
    const r = await supervise(
      c,
      ['services:', '  migrate:', '    type: oneshot', '    command: "echo migrating; exit 4"', '  app:', '    command: sleep 1000', '    depends_on:', '      migrate: {condition: completed_successfully}'].join('\n'),
    );
    expect(r.code, r.stdout + r.stderr).toBe(4);
    expect(r.stdout).toMatch(/migrating/);
    expect(r.stdout + r.stderr).not.toMatch(/app: started/);
  });

  it('a crash loop with action shutdown ends the container with the crashing code', async () => {
    const c = name('crash');
    const r = await supervise(
      c,
      [
        'services:',
        '  flaky:',
        '    command: "exit 7"',
        '    restart: always',
        '    backoff: {initial: 10ms, max: 10ms}',
        '    crash_loop: {max_failures: 3, window: 1m, action: shutdown}',
        '  steady:',
        '    command: sleep 1000',
      ].join('\n'),
    );
    expect(r.code, r.stdout + r.stderr).toBe(7);
    expect(r.stdout + r.stderr).toMatch(/crash loop/i);
  });
});
