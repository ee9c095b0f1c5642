// `tinit ps`, `tinit doctor`, `tinit zombies`: diagnostics that run as ordinary commands
// (inside a container, whatever its init), loaded only when asked for.
import { Command, Option } from 'commander';
import fs = require('fs');
import { writeFully } from '../log';
import type { SignalCapture } from '../signals/capture';

const json = (value: unknown) => writeFully(1, `${JSON.stringify(value, null, 2)}\n`);

/** Whether /proc is this process's PID namespace's (/proc/self names our own pid). */
function procIsOurs(): boolean {
  try {
    return fs.readlinkSync('/proc/self') === String(process.pid);
  } catch {
    return false;
  }
}

export function addDiagCommands(program: Command, capture: SignalCapture, exit: (code: number) => never): void {
  program.hook('preAction', () => {
    if (!procIsOurs()) {
      program.error(
        "/proc here belongs to another PID namespace (or is not mounted), so what it shows is not this container's: mount it for this namespace (unshare --mount-proc, or a container's own /proc)",
        { exitCode: 1 },
      );
    }
  });
  program
    .command('ps')
    .description('show the process tree of this PID namespace, zombies and who fails to reap them')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) => {
      const { buildPsReport, colours, renderPs } = require('../diag/ps') as typeof import('../diag/ps');
      const report = buildPsReport(capture.native.clockTicks(), capture.native.isChildSubreaper());
      if (opts.json) json(report);
      else writeFully(1, renderPs(report, colours(1, process.env)));
      exit(0);
    });

  program
    .command('doctor')
    .description('test the init that is PID 1 here: reaping, signal delivery, stdio, leftover zombies')
    .option('--json', 'machine-readable output')
    .addOption(new Option('--orphans <n>', 'how many orphans the reaping test makes').default('20'))
    .addOption(new Option('--timeout <ms>', 'how long orphans may take to be reaped').default('2000'))
    .action((opts: { json?: boolean; orphans: string; timeout: string }) => {
      const { runDoctor, renderDoctor } = require('../diag/doctor') as typeof import('../diag/doctor');
      const { colours } = require('../diag/ps') as typeof import('../diag/ps');
      const report = runDoctor(capture.native, positive(opts.orphans, '--orphans', 10_000), positive(opts.timeout, '--timeout', 600_000));
      if (opts.json) {
        json(report);
      } else {
        const c = colours(1, process.env);
        writeFully(1, renderDoctor(report, (v, text) => (v === 'fail' ? c.red(text) : v === 'pass' ? c.bold(text) : text)));
      }
      exit(report.ok ? 0 : 1);
    });

  program
    .command('zombies')
    .description('make N orphans that exit at once and time how long the init takes to reap them')
    .argument('[n]', 'how many orphans', '10')
    .option('--hold <m>', 'also keep M zombies under a living parent that never waits (no init can reap those)')
    .addOption(new Option('--hold-seconds <s>', 'how long the holding parent lives').default('30'))
    .addOption(new Option('--timeout <ms>', 'how long to wait for the reaper').default('5000'))
    .option('--json', 'machine-readable output')
    .action((n: string, opts: { hold?: string; holdSeconds: string; timeout: string; json?: boolean }) => {
      const z = require('../diag/zombie-factory') as typeof import('../diag/zombie-factory');
      const result = z.measureReaping(capture.native, positive(n, 'n', 100_000), positive(opts.timeout, '--timeout', 600_000));
      const hold =
        opts.hold !== undefined
          ? { ...capture.native.holdZombies(positive(opts.hold, '--hold', 10_000), positive(opts.holdSeconds, '--hold-seconds', 86_400)), seconds: Number(opts.holdSeconds) }
          : null;
      if (opts.json) json({ ...result, hold });
      else writeFully(1, `${[...z.describeReaping(result), ...(hold ? ['', ...z.describeHold(hold)] : [])].join('\n')}\n`);
      exit(result.reapMs === null ? 1 : 0);
    });

  function positive(text: string, what: string, max: number): number {
    if (!/^\d+$/.test(text) || Number(text) === 0 || Number(text) > max) {
      program.error(`${what}: '${text}' is not a whole number from 1 to ${max}`, { exitCode: 1 });
    }
    return Number(text);
  }
}
