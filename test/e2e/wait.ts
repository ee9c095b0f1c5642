// Containers of a test file, and bounded waits on their state, for the end-to-end tests.
import { afterEach } from 'vitest';
import { parseStat } from '../../src/proc-stat';
import { docker, removeContainer } from './engine';

/** A namer for the test file's containers; each one named is removed after its test. */
export function containerNames(): (what: string) => string {
  const started: string[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map(removeContainer));
  });
  return (what) => {
    const name = `tinit-e2e-${what}-${process.pid}`;
    started.push(name);
    return name;
  };
}

/** The container's stdout and stderr as one text, lines in the order they were written
 * (docker logs keeps the two streams apart; its timestamps put them back in order). */
export async function logs(name: string): Promise<string> {
  const r = await docker(['logs', '--timestamps', name]);
  const lines = (r.stdout + r.stderr).split('\n').filter((line) => line !== '');
  return lines
    .map((line) => ({ at: line.slice(0, line.indexOf(' ')), text: line.slice(line.indexOf(' ') + 1) }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
    .map((line) => `${line.text}\n`)
    .join('');
}

/** Resolves once the container's logs contain `text`; rejects after `ms`. */
export async function logsContain(name: string, text: string | RegExp, ms = 30_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const all = await logs(name);
    if (typeof text === 'string' ? all.includes(text) : text.test(all)) return all;
    if (Date.now() > deadline) throw new Error(`${name}: no ${String(text)} in its logs after ${ms} ms:\n${all}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The exit code dockerd recorded, once the container has stopped. */
export async function exitCode(name: string): Promise<number> {
  const r = await docker(['wait', name], { timeoutMs: 30_000 });
  return Number(r.stdout.trim());
}

/** The container's zombies ("pid (comm)"), read from its /proc with docker exec. docker top
 * cannot show them: it lists the container's cgroup, which a process leaves when it exits. */
export async function zombies(name: string): Promise<string[]> {
  const r = await docker(['exec', name, 'sh', '-c', 'cat /proc/[0-9]*/stat 2>/dev/null']);
  if (r.code !== 0) throw new Error(`docker exec ${name}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .map(parseStat)
    .filter((stat) => stat?.state === 'Z')
    .map((stat) => `${stat?.pid} (${stat?.comm})`);
}
