// What kind of program a process is, from its command line: an init written to be PID 1, a
// shell, or an application that was not.
import path = require('path');
import type { ProcInfo } from './proc';

export type ProcessKind = 'init' | 'supervisor' | 'shell' | 'app';

export interface Identity {
  kind: ProcessKind;
  /** A short name: tini, dumb-init, tinit, node, sh... */
  name: string;
}

const INITS = new Map([
  ['tini', 'tini'],
  ['tini-static', 'tini'],
  ['docker-init', 'tini (docker --init)'],
  ['dumb-init', 'dumb-init'],
  ['catatonit', 'catatonit'],
  ['podman-init', 'catatonit (podman --init)'],
  ['s6-svscan', 's6-svscan'],
  ['runsvdir', 'runit'],
  ['systemd', 'systemd'],
  ['init', 'init'],
]);
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'busybox', 'mksh']);
const RUNTIMES = new Set(['node', 'nodejs', 'python', 'python3', 'java', 'ruby', 'php', 'perl', 'deno', 'bun']);

export function identify(p: ProcInfo): Identity {
  const argv = p.argv.length > 0 ? p.argv : [p.comm];
  const base = path.basename(argv[0] as string);
  // dockerd's --init-path can be tinit's single file: tini has one thread, Node several.
  if (base === 'docker-init' && p.threads > 1) return { kind: 'init', name: 'tinit (docker --init)' };
  if (INITS.has(base)) return { kind: 'init', name: INITS.get(base) as string };
  const scriptArgs = argv.slice(1).filter((a) => !a.startsWith('-'));
  const script = scriptArgs[0] !== undefined ? path.basename(scriptArgs[0]) : '';
  if (RUNTIMES.has(base.replace(/[\d.]+$/, '')) || RUNTIMES.has(base)) {
    // Interpreters running a known init or supervisor.
    // bin/tinit exec's `node --no-warnings <path>/bin/tinit ...`.
    if (script === 'tinit') {
      // `tinit doctor` (or ps, zombies) run as PID 1 is a diagnostic, not an init.
      const sub = argv[argv.indexOf(scriptArgs[0] as string) + 1];
      if (sub === 'ps' || sub === 'doctor' || sub === 'zombies' || sub === 'validate') return { kind: 'app', name: `tinit ${sub}` };
      return { kind: 'init', name: 'tinit' };
    }
    if (script === 'pm2-runtime' || script === 'pm2') return { kind: 'supervisor', name: 'pm2-runtime' };
    if (script === 'supervisord') return { kind: 'supervisor', name: 'supervisord' };
    return { kind: 'app', name: base };
  }
  if (base === 'supervisord') return { kind: 'supervisor', name: 'supervisord' };
  if (base === 'tinit') return { kind: 'init', name: 'tinit' };
  if (SHELLS.has(base)) return { kind: 'shell', name: base };
  return { kind: 'app', name: base };
}
