// `tinit validate [-f FILE]`: checks a supervisor config and prints the start order.
import type { Command } from 'commander';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from '../config/load';
import { dependenciesOf, startLayers } from '../config/validate';
import { writeFully } from '../log';

/** Exit code for a config that is not valid (all problems are printed first). */
export const EXIT_CONFIG = 2;

export function configFileFrom(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? env.TINIT_CONFIG ?? DEFAULT_CONFIG;
}

export function addValidateCommand(program: Command, env: NodeJS.ProcessEnv, exit: (code: number) => never): void {
  program
    .command('validate')
    .description('check a supervisor config file and print the order services start in')
    .option('-f, --file <file>', `the config file (default ${DEFAULT_CONFIG}, or env TINIT_CONFIG)`)
    .action((opts: { file?: string }) => {
      const file = configFileFrom(opts.file, env);
      try {
        const config = loadConfig(file);
        const deps = dependenciesOf(config);
        const layers = startLayers(deps) as string[][];
        const lines = [`${file}: valid, ${deps.size} service${deps.size === 1 ? '' : 's'}.`, 'Start order (services on one line start together):'];
        layers.forEach((layer, i) => {
          const described = layer.map((name) => {
            const after = [...(deps.get(name) ?? [])].map(([dep, condition]) => `${dep} ${condition}`);
            const kind = config.services[name]?.type === 'oneshot' ? ' (oneshot)' : '';
            return `${name}${kind}${after.length ? ` [after ${after.join(', ')}]` : ''}`;
          });
          lines.push(`  ${i + 1}. ${described.join(', ')}`);
        });
        writeFully(1, `${lines.join('\n')}\n`);
        exit(0);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        writeFully(2, `${err.message}\n`);
        exit(EXIT_CONFIG);
      }
    });
}
