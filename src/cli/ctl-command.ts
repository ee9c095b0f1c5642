// `tinit ctl`: asks the `tinit run` of this PID namespace (e.g. from `docker exec`) for the
// services' state, or to start, stop or restart one; `tinit ctl health` suits a HEALTHCHECK.
import type { Command } from 'commander';
import { writeFully } from '../log';
import { askControl, type ControlAnswer, type ServiceStatus } from '../supervisor/control';

const COMMANDS = ['status', 'health', 'start', 'stop', 'restart'] as const;

function table(services: ServiceStatus[]): string {
  const width = Math.max(7, ...services.map((s) => s.name.length));
  const lines = [`${'SERVICE'.padEnd(width)}  ${'STATE'.padEnd(8)}  ${'PID'.padEnd(7)}  READY  HEALTH     RESTARTS  LAST EXIT`];
  for (const s of services) {
    const health = s.healthy === null ? '-' : s.healthy ? 'healthy' : 'unhealthy';
    const last = s.lastExit ? `${s.lastExit.code}${s.lastExit.ok ? '' : ' (failure)'}` : '-';
    lines.push(
      `${s.name.padEnd(width)}  ${s.phase.padEnd(8)}  ${String(s.pid ?? '-').padEnd(7)}  ${(s.ready ? 'yes' : 'no').padEnd(5)}  ${health.padEnd(9)}  ${String(s.restarts).padEnd(8)}  ${last}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function addCtlCommand(program: Command, exit: (code: number) => never): void {
  program
    .command('ctl')
    .description('talk to the tinit run of this container: status, health, start|stop|restart SERVICE')
    .argument('<command>', COMMANDS.join(' | '))
    .argument('[service]', 'the service, for start, stop and restart')
    .option('--json', 'machine-readable output')
    .action(async (command: string, service: string | undefined, opts: { json?: boolean }) => {
      if (!(COMMANDS as readonly string[]).includes(command)) program.error(`ctl: '${command}' is not a command (${COMMANDS.join(', ')})`, { exitCode: 1 });
      const needsService = command === 'start' || command === 'stop' || command === 'restart';
      if (needsService && service === undefined) program.error(`ctl ${command}: name the service`, { exitCode: 1 });
      let answer: ControlAnswer;
      try {
        answer = await askControl(needsService ? { cmd: command as 'start', service: service as string } : { cmd: command as 'status' });
      } catch (err) {
        writeFully(2, `tinit: ctl: ${(err as Error).message}\n`);
        return exit(1);
      }
      if (!answer.ok) {
        writeFully(2, `tinit: ctl: ${answer.error}\n`);
        return exit(1);
      }
      if (opts.json) writeFully(1, `${JSON.stringify(answer)}\n`);
      else if (command === 'health') writeFully(1, answer.healthy ? 'healthy\n' : `unhealthy: ${(answer.problems ?? []).join('; ') || 'shutting down'}\n`);
      else writeFully(1, table(answer.services ?? []));
      return exit(command === 'health' && !answer.healthy ? 1 : 0);
    });
}
