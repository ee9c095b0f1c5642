// Service output to tinit's stdout/stderr, a line at a time: `name | line` (colour only on a
// terminal), or one JSON object per line. Partial lines wait for their newline (or the end of
// the stream); a line longer than MAX_LINE is cut into pieces rather than held forever.
import { writeFully } from '../log';

export const MAX_LINE = 64 * 1024;

/** Where to cut a piece of at most MAX_LINE bytes without splitting a UTF-8 character. */
function cutAt(buf: Buffer, max: number): number {
  if (buf.length <= max) return buf.length;
  let at = max;
  // Back off over continuation bytes (10xxxxxx), at most 3, to a character's first byte.
  for (let i = 0; i < 3 && at > 0 && ((buf[at] as number) & 0xc0) === 0x80; i++) at--;
  return at > 0 ? at : max;
}

/** Splits a byte stream into lines (without the newline); no piece exceeds MAX_LINE. */
export class LineSplitter {
  private pending: Buffer = Buffer.alloc(0);
  /** The last piece was cut at MAX_LINE: a newline right after it ends nothing new. */
  private cut = false;

  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const nl = data.indexOf(10);
      const end = nl < 0 ? data.length : nl;
      if (end > MAX_LINE || (nl < 0 && data.length >= MAX_LINE)) {
        const at = cutAt(data, MAX_LINE);
        lines.push(data.subarray(0, at));
        data = data.subarray(at);
        this.cut = true;
        continue;
      }
      if (nl < 0) break;
      if (!(nl === 0 && this.cut)) lines.push(data.subarray(0, nl));
      this.cut = false;
      data = data.subarray(nl + 1);
    }
    this.pending = Buffer.from(data);
    return lines;
  }

  /** What is left when the stream ends: a last line with no newline. */
  end(): Buffer | null {
    if (this.pending.length === 0) return null;
    const last = this.pending;
    this.pending = Buffer.alloc(0);
    this.cut = false;
    return last;
  }
}

export type Stream = 'stdout' | 'stderr';

const PALETTE = [36, 33, 32, 35, 34, 91, 92, 93, 94, 95, 96];

export interface LineFormat {
  format: 'text' | 'json';
  /** Colour the prefix, per stream (each may or may not be a terminal). */
  colour: { stdout: boolean; stderr: boolean };
  /** Width the names are padded to, so the bars line up. */
  width: number;
}

export function colourFor(index: number): number {
  return PALETTE[index % PALETTE.length] as number;
}

/** Formats lines of one service: text mode passes the bytes through as written; json mode
 * embeds app JSON as JSON, never re-escaped. */
export function formatLines(name: string, colourCode: number, stream: Stream, lines: Buffer[], f: LineFormat, now: Date = new Date()): Buffer {
  return f.format === 'json' ? Buffer.from(jsonLines(name, stream, lines, now)) : textLines(name, colourCode, stream, lines, f);
}

function textLines(name: string, colourCode: number, stream: Stream, lines: Buffer[], f: LineFormat): Buffer {
  const label = name.padEnd(f.width);
  const prefix = Buffer.from(f.colour[stream] ? `\x1b[${colourCode}m${label} |\x1b[0m ` : `${label} | `);
  const newline = Buffer.from('\n');
  return Buffer.concat(lines.flatMap((l) => [prefix, l, newline]));
}

function jsonLines(name: string, stream: Stream, lines: Buffer[], now: Date): string {
  {
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
}

export function writeLines(stream: Stream, bytes: Buffer): void {
  if (bytes.length > 0) writeFully(stream === 'stdout' ? 1 : 2, bytes);
}
