// What tinit must not change on the way to the child, or leave behind: the environment byte for
// byte, raw argv, the terminal's settings and foreground group, and no debugger port.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as net from 'net';
import { afterEach, describe, expect, it } from 'vitest';
import { commandBecomes, killAll, run, runTinit, start, TINIT } from '../helpers/run';

afterEach(killAll);

/** Whether the process has a handler for signo (SigCgt in /proc/<pid>/status). */
function catches(pid: number, signo: number): boolean {
  try {
    const m = /^SigCgt:\s+([0-9a-f]+)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m !== null && ((BigInt(`0x${m[1]}`) >> BigInt(signo - 1)) & 1n) === 1n;
  } catch {
    return false;
  }
}

describe('environment and argv, byte for byte', () => {
  it('passes names a shell would drop, exported bash functions and shell specials unchanged', async () => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      'spring.profiles.active': 'prod',
      'my-var': '1',
      'BASH_FUNC_greet%%': '() {  echo hello from greet\n}',
      IFS: 'x',
      OPTIND: '9',
      toString: 'x',
    };
    const r = await runTinit(['-s', '--', 'env'], { env });
    const lines = r.stdout.split('\n');
    for (const entry of ['spring.profiles.active=prod', 'my-var=1', 'IFS=x', 'OPTIND=9', 'toString=x', 'BASH_FUNC_greet%%=() {  echo hello from greet']) {
      expect(lines).toContain(entry);
    }
    // Nothing added: no PWD, no bookkeeping of tinit's.
    expect(lines.filter((l) => /^(PWD|TINIT_\w+)=/.test(l))).toEqual([]);
    const fn = await runTinit(['-s', '--', 'bash', '-c', 'greet'], { env });
    expect(fn.stdout).toBe('hello from greet\n');
  });

  it('passes bytes that are not UTF-8 in argv and the environment', async () => {
    // python hands tinit raw bytes; the child prints them back as hex.
    const script =
      'import os,sys\nos.execve(sys.argv[1], [sys.argv[1], "-s", "--", "sh", "-c", "printf %s \\"$1$RAW\\" | od -An -tx1", "sh", b"a\\xffb"], ' +
      '{b"PATH": os.environ["PATH"].encode(), b"RAW": b"\\xfe"})';
    const r = await run('python3', ['-c', script, TINIT]);
    expect(r.stdout.trim()).toBe('61 ff 62 fe');
  });
});

describe('terminal state at exit', () => {
  it('keeps what the child set (stty -echo) and gives the terminal back to the shell', async () => {
    // Under script(1): tinit runs in the foreground of an sh; after it exits, sh uses the tty.
    const inner = `${TINIT} -s -- stty -echo; stty -a | grep -o -- "-*echo " | head -1; stty echo`;
    const r = await run('script', ['-q', '-e', '-c', `sh -c '${inner}'`, '/dev/null']);
    expect(r.stdout).toMatch(/-echo/);
    expect(r.stdout).not.toMatch(/Input\/output error/);
    expect(r.code).toBe(0);
  });
});

describe('SIGUSR1 while Node starts', () => {
  const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tinit-usr1-')), 'tinit.yaml');
  fs.writeFileSync(config, 'services:\n  a:\n    command: ["sh", "-c", "trap \'\' USR1; echo ready; sleep 2"]\n');
  it.each([
    ['tinit -- cmd', ['-s', '--', 'sh', '-c', 'trap "" USR1; echo ready; sleep 2']],
    ['tinit run', ['run', '-f', config]],
  ])('never leaves the Node inspector listening inside %s', async (_what, args) => {
    const r = start(TINIT, args);
    const pid = r.child.pid as number;
    // Once Node has installed its inspector's SIGUSR1 handler, and before tinit's replaces it
    // (or, on a fast run, just after), send one SIGUSR1.
    await commandBecomes(pid, 'node');
    for (let i = 0; i < 2000 && !catches(pid, 10); i++) await new Promise((res) => setImmediate(res));
    process.kill(pid, 'SIGUSR1');
    await r.waitFor('ready');
    await new Promise((res) => setTimeout(res, 400));
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(9229, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    expect(open).toBe(false);
    if (/Debugger listening/.test(r.stderr())) expect(r.stderr()).toMatch(/opened the Node inspector; closed it/);
    r.kill();
  });
});
