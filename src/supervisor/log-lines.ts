// Service output to tinit's stdout/stderr, a line at a time: `name | line` (colour only on a
// terminal), or one JSON object per line. Partial lines wait for their newline (or the end of
// the stream); a line longer than MAX_LINE is cut into pieces rather than held forever.
import { writeFully } from '../log';

export const MAX_LINE = 64 * 1024;

/** Splits a byte stream into lines (without the newline). */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingLength = 0;

  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let start = 0;
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, start)) {
      lines.push(this.take(chunk.subarray(start, i)));
      start = i + 1;
    }
    let rest = chunk.subarray(start);
    while (this.pendingLength + rest.length >= MAX_LINE) {
      const room = MAX_LINE - this.pendingLength;
      lines.push(this.take(rest.subarray(0, room)));
      rest = rest.subarray(room);
    }
    if (rest.length > 0) {
      this.pending.push(rest);
      this.pendingLength += rest.length;
    }
    return lines;
  }

  /** What is left when the stream ends: a last line with no newline. */
  end(): Buffer | null {
    if (this.pendingLength === 0) return null;
    return this.take(Buffer.alloc(0));
  }

  private take(tail: Buffer): Buffer {
    if (this.pendingLength === 0) return tail;
    const line = Buffer.concat([...this.pending, tail]);
    this.pending = [];
    this.pendingLength = 0;
    return line;
  }
}

export type Stream = 'stdout' | 'stderr';

const PALETTE = [36, 33, 32, 35, 34, 91, 92, 93, 94, 95, 96];

export interface LineFormat {
  format: 'text' | 'json';
  colour: boolean;
  /** Width the names are padded to, so the bars line up. */
  width: number;
}

export function colourFor(index: number): number {
  return PALETTE[index % PALETTE.length] as number;
}

/** Formats lines of one service; app JSON is embedded as JSON in json mode, never re-escaped. */
export function formatLines(name: string, colourCode: number, stream: Stream, lines: Buffer[], f: LineFormat, now: Date = new Date()): string {
  if (f.format === 'json') {
    const time = now.toISOString();
    return lines
      .map((raw) => {
        const line = raw.toString('utf8');
        const head = `{"time":"${time}","service":${JSON.stringify(name)},"stream":"${stream}"`;
        if (line.startsWith('{') && line.endsWith('}')) {
          try {
            JSON.parse(line);
            return `${head},"json":${line}}\n`;
          } catch {
            // not JSON after all: a plain message
          }
        }
        return `${head},"message":${JSON.stringify(line)}}\n`;
      })
      .join('');
  }
  const label = name.padEnd(f.width);
  const prefix = f.colour ? `\x1b[${colourCode}m${label} |\x1b[0m ` : `${label} | `;
  return lines.map((l) => `${prefix}${l.toString('utf8')}\n`).join('');
}

export function writeLines(stream: Stream, text: string): void {
  if (text.length > 0) writeFully(stream === 'stdout' ? 1 : 2, text);
}
