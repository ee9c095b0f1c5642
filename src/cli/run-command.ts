// `tinit run [-f tinit.yaml]`: supervise the services of a config file, as PID 1 or not.
import type { Command } from 'commander';
import type { BootFacts } from '../boot/wrapper-env';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from '../config/load';
import { Logger, writeFully } from '../log';
import type { SignalCapture } from '../signals/capture';
import { supervisorSpec } from '../supervisor/model';
import { Supervisor } from '../supervisor/supervisor';
import { envSwitch } from './init-command';
import { ValueError } from './parse-values';
import { closeStrayInspector } from '../init/stray-inspector';
import { configFileFrom, EXIT_CONFIG } from './validate-command';

export function addRunCommand(program: Command, capture: SignalCapture, boot: BootFacts, exit: (code: number) => never): void {
  program
    .command('run')
    .description('supervise the services of a config file (restarts, dependencies, probes, ordered stop, prefixed logs)')
    .option('-f, --file <file>', `the config file (default ${DEFAULT_CONFIG}, or env TINIT_CONFIG)`)
    .option('--log-format <format>', 'text (name | line) or json (one object per line); overrides log_format')
    .option('-v, --verbose', 'more of tinit\'s own lines; repeat for more', (_v, total: number) => total + 1, 0)
    .action((opts: { file?: string; logFormat?: string; verbose: number }) => {
      const file = configFileFrom(opts.file, boot.childEnv);
      let spec;
      try {
        const config = loadConfig(file);
        if (opts.logFormat !== undefined) {
          if (opts.logFormat !== 'text' && opts.logFormat !== 'json') {
            program.error(`--log-format: '${opts.logFormat}' is not a log format (text or json)`, { exitCode: 1 });
          }
          config.log_format = opts.logFormat as 'text' | 'json';
        }
        spec = supervisorSpec(config, capture.rt, boot.childEnv);
      } catch (err) {
        if (err instanceof ConfigError) {
          writeFully(2, `${err.message}\n`);
          exit(EXIT_CONFIG);
        }
        if (err instanceof ValueError) {
          writeFully(2, `${file}: ${err.message}\n`);
          exit(EXIT_CONFIG);
        }
        throw err;
      }
      const verbosityVar = envSwitch(boot.childEnv, 'VERBOSITY');
      // Lifecycle lines (INFO) are part of a supervisor's output by default.
      const log = new Logger(verbosityVar !== undefined ? parseInt(verbosityVar, 10) || 0 : 2 + opts.verbose, true);
      // Not PID 1: orphans of the services come back to tinit to be reaped.
      if (process.pid !== 1) capture.native.setChildSubreaper(true);
      const reread = () => {
        const again = loadConfig(file);
        if (opts.logFormat !== undefined) again.log_format = opts.logFormat as 'text' | 'json';
        return supervisorSpec(again, capture.rt, boot.childEnv);
      };
      new Supervisor(spec, capture, boot, log, reread).start();
      // As the single-child init does: the supervisor is PID 1 too.
      closeStrayInspector(log);
    });
}
