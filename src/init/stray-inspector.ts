// A debugger port into PID 1 that a SIGUSR1 opened before tinit could catch it.
import fs = require('fs');
import type { Logger } from '../log';

/**
 * Whether this process holds a listening TCP socket (proc(5): /proc/self/net/tcp, state 0A,
 * matched by inode to our fds). tinit itself listens on none, so one means the inspector; and
 * reading /proc costs far less, in time and memory, than loading the inspector module to ask.
 * Null when /proc cannot tell.
 */
function listensOnTcp(): boolean | null {
  const inodes = new Set<string>();
  try {
    for (const fd of fs.readdirSync('/proc/self/fd')) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/self/fd/${fd}`));
        if (m) inodes.add(m[1] as string);
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    return null;
  }
  if (inodes.size === 0) return false;
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'latin1');
    } catch {
      return null;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A' && inodes.has(fields[9] as string)) return true;
    }
  }
  return false;
}

/**
 * Node installs its SIGUSR1 handler (which opens the inspector on 127.0.0.1:9229) before any
 * JavaScript runs; a SIGUSR1 in those first milliseconds would leave a debugger port into PID 1.
 * Once the child (or the first service) runs, look (the inspector starts on its own thread) and
 * close it.
 */
export function closeStrayInspector(log: Logger): void {
  const check = () => {
    if (listensOnTcp() === false) return;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const inspector = require('inspector') as typeof import('inspector');
    if (inspector.url() === undefined) return;
    inspector.close();
    log.warn('SIGUSR1 arrived before tinit could catch it and opened the Node inspector; closed it');
  };
  // Not at once: even the look costs a short-lived child's exit time; a stray inspector lives a
  // quarter of a second at most.
  setTimeout(check, 250).unref();
}
