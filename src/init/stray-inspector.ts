// A debugger port into PID 1 that a SIGUSR1 opened before tinit could catch it.
import type { Logger } from '../log';

/**
 * Node installs its SIGUSR1 handler (which opens the inspector on 127.0.0.1:9229) before any
 * JavaScript runs; a SIGUSR1 in those first milliseconds would leave a debugger port into PID 1.
 * Once the child (or the first service) runs, look (the inspector starts on its own thread) and close it.
 */
export function closeStrayInspector(log: Logger): void {
  const check = () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const inspector = require('inspector') as typeof import('inspector');
    if (inspector.url() === undefined) return;
    inspector.close();
    log.warn('SIGUSR1 arrived before tinit could catch it and opened the Node inspector; closed it');
  };
  // Not at once: loading the inspector module costs milliseconds a short-lived child would
  // pay for in tinit's exit; a stray inspector lives a quarter of a second at most.
  setTimeout(check, 250).unref();
}
