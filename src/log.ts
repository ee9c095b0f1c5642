// tinit's own lines, written with fs.writeSync: process.stderr would make a shared pipe
// O_NONBLOCK for every child (node-pid1.md §3). Format as tini's: "[LEVEL tinit (pid)] msg".
import fs = require('fs');

export enum Level {
  Fatal = 0,
  Warn = 1,
  Info = 2,
  Debug = 3,
  Trace = 4,
}

const labels: Record<Level, string> = {
  [Level.Fatal]: 'FATAL',
  [Level.Warn]: 'WARN ',
  [Level.Info]: 'INFO ',
  [Level.Debug]: 'DEBUG',
  [Level.Trace]: 'TRACE',
};

/** Writes all of `text` to fd; drops it when the reader is gone or stays full. */
export function writeFully(fd: number, text: string | Buffer): void {
  let buf = typeof text === 'string' ? Buffer.from(text) : text;
  let stalls = 0;
  while (buf.length > 0) {
    try {
      const n = fs.writeSync(fd, buf);
      buf = buf.subarray(n);
      stalls = 0;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // EAGAIN: a child made the shared description non-blocking; retry a little, then drop
      // rather than stall PID 1. EPIPE/EBADF: nobody reads; the line is lost either way.
      if (code === 'EAGAIN' && ++stalls < 1000) continue;
      return;
    }
  }
}

export class Logger {
  /** tini's scale: 1 shows FATAL and WARN, 2 adds INFO, 3 DEBUG, 4 TRACE. `allToStderr`
   * keeps stdout for what the services print (the supervisor). */
  constructor(
    public verbosity = 1,
    private readonly allToStderr = false,
  ) {}

  enabled(level: Level): boolean {
    return level === Level.Fatal || level <= this.verbosity;
  }

  /** As tini: FATAL and WARN on stderr, INFO, DEBUG and TRACE on stdout (written at once,
   * unlike tini's buffered stdout, so nothing is lost when tinit is killed). */
  log(level: Level, message: string): void {
    if (!this.enabled(level)) return;
    writeFully(level <= Level.Warn || this.allToStderr ? 2 : 1, `[${labels[level]} tinit (${process.pid})] ${message}\n`);
  }

  fatal(message: string): void {
    this.log(Level.Fatal, message);
  }
  warn(message: string): void {
    this.log(Level.Warn, message);
  }
  info(message: string): void {
    this.log(Level.Info, message);
  }
  debug(message: string): void {
    this.log(Level.Debug, message);
  }
  trace(message: string): void {
    this.log(Level.Trace, message);
  }
}
