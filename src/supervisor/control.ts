// The control socket of `tinit run`: one JSON request and one JSON answer per connection, on an
// abstract unix socket named after the PID namespace, so `tinit ctl` run in the same container
// (docker exec) finds it without a file, and two containers sharing a network never collide.
import fs = require('fs');
import net = require('net');

export type ControlRequest =
  | { cmd: 'status' }
  | { cmd: 'health' }
  | { cmd: 'start' | 'stop' | 'restart'; service: string };

export interface ServiceStatus {
  name: string;
  phase: string;
  pid: number | null;
  ready: boolean;
  healthy: boolean | null;
  restarts: number;
  lastExit: { code: number; signal: number | null; ok: boolean } | null;
}

export type ControlAnswer =
  | { ok: true; services?: ServiceStatus[]; healthy?: boolean; problems?: string[] }
  | { ok: false; error: string };

/** The socket's address: abstract (leading NUL), named after this PID namespace. */
export function controlAddress(): string {
  const ns = /\[(\d+)\]/.exec(fs.readlinkSync('/proc/self/ns/pid'))?.[1] ?? 'unknown';
  return `\0tinit-control-${ns}`;
}

export function serveControl(handle: (request: ControlRequest) => ControlAnswer, onListenError: (err: Error) => void): net.Server {
  const server = net.createServer((socket) => {
    let input = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      input += chunk;
      const nl = input.indexOf('\n');
      if (nl < 0) return;
      let answer: ControlAnswer;
      try {
        answer = handle(JSON.parse(input.slice(0, nl)) as ControlRequest);
      } catch (err) {
        answer = { ok: false, error: `bad request: ${(err as Error).message}` };
      }
      socket.end(`${JSON.stringify(answer)}\n`);
    });
    socket.on('error', () => socket.destroy());
  });
  // Another tinit run already serves this PID namespace: this one goes on without a socket.
  server.on('error', onListenError);
  server.listen(controlAddress());
  server.unref();
  return server;
}

/** Sends one request; rejects when no tinit run is listening in this PID namespace. */
export function askControl(request: ControlRequest, timeoutMs = 5000): Promise<ControlAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(controlAddress());
    let output = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer from tinit run'));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => (output += chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(output) as ControlAnswer);
      } catch {
        reject(new Error('tinit run answered something that is not JSON'));
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ? 'no tinit run is supervising in this PID namespace' : err.message));
    });
  });
}
