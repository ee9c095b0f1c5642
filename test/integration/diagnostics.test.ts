// tinit ps, doctor and zombies, run inside PID namespaces whose PID 1 is each of the inits
// people use: the verdicts must be right for each.
import { afterEach, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/diag/doctor';
import type { PsReport } from '../../src/diag/ps';
import { commandExists, killAll, run, TINIT } from '../helpers/run';

afterEach(killAll);

const installed = commandExists;

/** Runs `script` (sh) as the job of `init` in a new PID namespace, init being PID 1. */
const inNamespace = (init: string[], script: string) =>
  run('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', ...init, 'sh', '-c', script], { timeoutMs: 30_000 });

const doctor = async (init: string[]) => {
  const r = await inNamespace(init, `${TINIT} doctor --json; echo "rc=$?"`);
  const rc = Number(/rc=(\d+)\s*$/.exec(r.stdout)?.[1]);
  return { rc, report: JSON.parse(r.stdout.replace(/rc=\d+\s*$/, '')) as DoctorReport };
};
const verdicts = (report: DoctorReport) => Object.fromEntries(report.checks.map((c) => [c.id, c.verdict]));

// A Node app as PID 1, running doctor through child_process: it reaps only its own child.
const NODE_PID1 = ['node', '-e', 'require("child_process").spawnSync(process.argv[1], process.argv.slice(2), {stdio: "inherit"}); setTimeout(() => {}, 100)'];

describe('tinit doctor', () => {
  const allPass = { pid1: 'pass', reaping: 'pass', signals: 'pass', stdio: 'pass', zombies: 'pass' };
  it.each<[string, string[]]>([
    ['tinit', [TINIT, '--']],
    ...(installed('tini') ? ([['tini', ['tini', '--']]] as Array<[string, string[]]>) : []),
    ...(installed('dumb-init') ? ([['dumb-init', ['dumb-init', '--']]] as Array<[string, string[]]>) : []),
    ...(installed('catatonit') ? ([['catatonit', ['catatonit', '--']]] as Array<[string, string[]]>) : []),
  ])('passes every check with %s as PID 1', async (name, init) => {
    const { rc, report } = await doctor(init);
    expect(report.pid1).toMatchObject({ kind: 'init', name });
    expect(verdicts(report)).toEqual(allPass);
    expect(report.reaping?.reaper?.pid).toBe(1);
    expect(rc).toBe(0);
  });

  it('fails a bare shell as PID 1: no SIGTERM handling, not an init', async () => {
    const { rc, report } = await doctor([]);
    expect(report.pid1).toMatchObject({ kind: 'shell', name: 'sh' });
    expect(verdicts(report)).toMatchObject({ pid1: 'fail', signals: 'fail', stdio: 'pass' });
    expect(rc).toBe(1);
  });

  it('fails a Node app as PID 1: orphans stay zombies, SIGTERM stops at PID 1', async () => {
    const r = await run('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', ...NODE_PID1, TINIT, 'doctor', '--json', '--timeout', '500'], { timeoutMs: 30_000 });
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.pid1).toMatchObject({ kind: 'app', name: 'node' });
    expect(verdicts(report)).toMatchObject({ pid1: 'fail', reaping: 'fail', signals: 'warn' });
    expect(report.checks.find((c) => c.id === 'reaping')?.consequence).toMatch(/fork\(\) fails/);
  });

  it('finds non-blocking stdio', async () => {
    const setNonblock =
      'import fcntl,os,sys\nfcntl.fcntl(1, fcntl.F_SETFL, fcntl.fcntl(1, fcntl.F_GETFL) | os.O_NONBLOCK)\nos.execv(sys.argv[1], sys.argv[1:])';
    const r = await run('python3', ['-c', setNonblock, TINIT, 'doctor', '--json']);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.checks.find((c) => c.id === 'stdio')).toMatchObject({ verdict: 'fail', finding: expect.stringMatching(/this process fd 1/) });
    expect(r.code).toBe(1);
  });

  it('finds zombies left under a living parent and names that parent', async () => {
    const { rc, report } = await (async () => {
      const r = await inNamespace([TINIT, '--'], `${TINIT} zombies 1 --hold 2 --hold-seconds 10 >/dev/null; ${TINIT} doctor --json; echo "rc=$?"`);
      return { rc: Number(/rc=(\d+)\s*$/.exec(r.stdout)?.[1]), report: JSON.parse(r.stdout.replace(/rc=\d+\s*$/, '')) as DoctorReport };
    })();
    const zombies = report.checks.find((c) => c.id === 'zombies');
    expect(zombies).toMatchObject({ verdict: 'fail', finding: expect.stringMatching(/^2 zombies: 2 under pid \d+/) });
    expect(zombies?.consequence).toMatch(/no init can reap them/);
    expect(rc).toBe(1);
  });

  it('prints one line per check with its verdict', async () => {
    const r = await inNamespace([], `${TINIT} doctor`);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual(['FAIL pid1', 'PASS reaping', 'FAIL signals', 'PASS stdio', 'PASS zombies']);
    expect(lines[2]).toMatch(/— docker stop waits its full timeout/);
  });
});

describe('diagnostics refuse to guess', () => {
  it('with a /proc that is not this PID namespace’s', async () => {
    const r = await run('unshare', ['--pid', '--fork', '--kill-child', TINIT, '--', TINIT, 'doctor']);
    expect(r.stderr).toMatch(/\/proc here belongs to another PID namespace/);
    expect(r.code).toBe(1);
  });

  it('with counts that are out of range', async () => {
    const r = await run(TINIT, ['zombies', '4294967296']);
    expect(r.stderr).toBe("tinit: n: '4294967296' is not a whole number from 1 to 100000\n");
    expect(r.code).toBe(1);
  });
});

describe('tinit zombies', () => {
  it('times the reaper under tinit as PID 1', async () => {
    const r = await inNamespace([TINIT, '--'], `${TINIT} zombies 200`);
    expect(r.stdout).toMatch(/^Made 200 orphans; they exited at once\.\nThey were re-parented to pid 1 \(tinit: .*\)\.\nAll 200 were reaped in [\d.]+ ms\.\n$/);
    expect(r.code).toBe(0);
  });

  it('reports zombies that nobody reaps, with exit 1', async () => {
    const r = await run('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', ...NODE_PID1, TINIT, 'zombies', '5', '--timeout', '300'], { timeoutMs: 30_000 });
    expect(r.stdout).toMatch(/After 300 ms, 5 were not reaped \(5 zombies\)/);
  });

  it('holds zombies under a living parent and explains why no init can reap them', async () => {
    const r = await inNamespace([TINIT, '--'], `${TINIT} zombies 1 --hold 3 --hold-seconds 1 --json`);
    const out = JSON.parse(r.stdout);
    expect(out.hold.zombies).toHaveLength(3);
    const text = await inNamespace([TINIT, '--'], `${TINIT} zombies 1 --hold 2 --hold-seconds 1`);
    expect(text.stdout).toMatch(/No init can reap these: only their parent can/);
  });
});

describe('tinit ps', () => {
  it('shows the namespace tree with PID 1, zombies and the parent that fails to reap them', async () => {
    const r = await inNamespace([TINIT, '--'], `${TINIT} zombies 1 --hold 2 --hold-seconds 5 >/dev/null; ${TINIT} ps --json`);
    const report = JSON.parse(r.stdout) as PsReport;
    expect(report.pid1).toMatchObject({ pid: 1, kind: 'init', name: 'tinit' });
    expect(report.processes[0]).toMatchObject({ pid: 1, depth: 0 });
    expect(report.zombies).toHaveLength(2);
    const holder = report.processes.find((p) => p.comm === 'tinit-holder');
    expect(report.zombies.every((z) => z.parent === holder?.pid)).toBe(true);
    expect(report.subreaper.others).toBe('unknown');
  });

  it('draws the tree with zombies marked', async () => {
    const r = await inNamespace([TINIT, '--'], `${TINIT} zombies 1 --hold 1 --hold-seconds 5 >/dev/null; ${TINIT} ps`);
    expect(r.stdout).toMatch(/^PID 1: .*tinit.* \(init: tinit\)\n/);
    expect(r.stdout).toMatch(/└─ \[tinit-zombie\] <defunct>/);
    expect(r.stdout).toMatch(/Zombies: 1\n  1 not reaped by pid \d+/);
    expect(r.stdout).not.toMatch(/\x1b\[/); // no colour off a terminal
  });
});
