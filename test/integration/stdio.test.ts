// What the child gets: stdio open and blocking, exactly the fds tinit inherited, stdin, and
// every byte it writes even to a slow reader.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, run, runTinit, start, TINIT } from '../helpers/run';

afterEach(killAll);

const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;

/** fds >= 3 of this process that a child would inherit (no close-on-exec). */
function inheritableFds(): number[] {
  const fds: number[] = [];
  for (const name of fs.readdirSync('/proc/self/fd')) {
    try {
      const flags = /^flags:\s+([0-7]+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${name}`, 'utf8'));
      if (Number(name) >= 3 && flags && (parseInt(flags[1] as string, 8) & O_CLOEXEC) === 0) fds.push(Number(name));
    } catch {
      // the directory's own fd, closed by now
    }
  }
  return fds;
}

describe('stdio and fds', () => {
  it('passes stdin through', async () => {
    const r = await runTinit(['-s', '--', 'cat'], { input: 'hello through tinit\n' });
    expect(r.stdout).toBe('hello through tinit\n');
    const sh = await runTinit(['-s', 'sh'], { input: 'echo from-stdin; exit 6\n' });
    expect(sh.stdout).toBe('from-stdin\n');
    expect(sh.code).toBe(6);
  });

  it('gives the child exactly the fds tinit inherited, Node’s own never', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinit-fds-'));
    const a = fs.openSync(path.join(dir, 'a'), 'w');
    const b = fs.openSync(path.join(dir, 'b'), 'w');
    // fds 0-2 pipes, 5 and 20 files, nothing else: Node itself then uses 3, 4, 6...
    const stdio: Array<'pipe' | 'ignore' | number> = ['pipe', 'pipe', 'pipe'];
    for (let fd = 3; fd <= 20; fd++) stdio.push(fd === 5 ? a : fd === 20 ? b : 'ignore');
    const list = 'for f in /proc/$$/fd/*; do [ -e "$f" ] && echo "${f##*/}"; done';
    const r = await run(TINIT, ['-s', '--', 'sh', '-c', list], { stdio });
    fs.closeSync(a);
    fs.closeSync(b);
    // This test process's own inheritable fds reach tinit too (fork keeps them), and so on.
    const expected = [...new Set([0, 1, 2, 5, 20, ...inheritableFds()])].sort((x, y) => x - y);
    expect(r.stdout.trim().split('\n').map(Number).sort((x, y) => x - y)).toEqual(expected);
  });

  it('clears O_NONBLOCK on fds 0-2 even when the caller left them non-blocking', async () => {
    // python sets O_NONBLOCK on the shared pipe descriptions, then execs tinit.
    const setNonblock =
      'import fcntl,os,sys\nfor fd in (0,1,2): fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)\nos.execv(sys.argv[1], sys.argv[1:])';
    const probe = 'for fd in 0 1 2; do sed -n "s/^flags:\\t*//p" /proc/self/fdinfo/$fd; done';
    const r = await run('python3', ['-c', setNonblock, TINIT, '-s', '--', 'sh', '-c', probe]);
    const flags = r.stdout.trim().split('\n').map((f) => parseInt(f, 8));
    expect(flags).toHaveLength(3);
    for (const f of flags) expect(f & O_NONBLOCK).toBe(0);
  });

  it('delivers 20 MB to a slow reader whole', async () => {
    const size = 20 * 1024 * 1024;
    const r = start(TINIT, ['-s', '--', 'head', '-c', String(size), '/dev/zero'], { timeoutMs: 60_000 });
    r.child.stdin?.end();
    let received = 0;
    const stdout = r.child.stdout as NodeJS.ReadableStream;
    stdout.removeAllListeners('data');
    stdout.on('data', (chunk: Buffer | string) => {
      received += Buffer.byteLength(chunk);
      // Pause often so the child keeps finding the pipe full.
      stdout.pause();
      setTimeout(() => stdout.resume(), 1);
    });
    const done = await r.finished;
    expect(done.stderr).toBe('');
    expect(received).toBe(size);
    expect(done.code).toBe(0);
  }, 70_000);

  it('passes args and env with spaces through unchanged', async () => {
    const r = await runTinit(['-s', '--', 'sh', '-c', 'printf "[%s]" "$@"; printf "{%s}" "$SPACED"', 'sh', 'a b', '  c  ', ''], {
      env: { ...process.env, SPACED: ' x  y ' },
    });
    expect(r.stdout).toBe('[a b][  c  ][]{ x  y }');
  });
});
