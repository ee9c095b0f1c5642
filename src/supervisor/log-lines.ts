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
    const data = this.take(chunk);
    this.keep(data, this.scan(data, (start, end) => lines.push(data.subarray(start, end))));
    return lines;
  }

  /**
   * The text-mode fast path: every complete line of the chunk as `prefix line\n`, in one
   * buffer, with no object per line (the log pipeline moves gigabytes; bench/). The same cuts
   * and the same pending tail as push().
   */
  pushPrefixed(chunk: Buffer, prefix: Buffer): Buffer {
    const data = this.take(chunk);
    const bounds = this.bounds;
    bounds.length = 0;
    let size = 0;
    this.keep(
      data,
      this.scan(data, (start, end) => {
        bounds.push(start, end);
        size += prefix.length + (end - start) + 1;
      }),
    );
    // The consumed data is copied once, to the end of the output, and each line then moved
    // into place in front of it with copyWithin (memmove, forward): Buffer#copy of a slice
    // would make a typed-array view per line, which costs more than the copy (perf, bench/).
    const out = Buffer.allocUnsafe(size);
    const used = bounds.length > 0 ? (bounds[bounds.length - 1] as number) : 0;
    const base = size - used - 1;
    if (used > 0) data.copy(out, base, 0, used);
    let at = 0;
    for (let i = 0; i < bounds.length; i += 2) {
      out.set(prefix, at);
      at += prefix.length;
      const start = base + (bounds[i] as number);
      const end = base + (bounds[i + 1] as number);
      out.copyWithin(at, start, end);
      at += end - start;
      out[at++] = 10;
    }
    return out;
  }

  private readonly bounds: number[] = [];

  private take(chunk: Buffer): Buffer {
    return this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
  }

  private keep(data: Buffer, consumed: number): void {
    this.pending = consumed < data.length ? Buffer.from(data.subarray(consumed)) : Buffer.alloc(0);
  }

  /** Calls `line(start, end)` for each line or cut piece of `data`; returns how much it used. */
  private scan(data: Buffer, line: (start: number, end: number) => void): number {
    let pos = 0;
    for (;;) {
      const nl = data.indexOf(10, pos);
      const end = nl < 0 ? data.length : nl;
      if (end - pos > MAX_LINE || (nl < 0 && data.length - pos >= MAX_LINE)) {
        const at = pos + cutAt(data.subarray(pos), MAX_LINE);
        line(pos, at);
        pos = at;
        this.cut = true;
        continue;
      }
      if (nl < 0) return pos;
      if (!(nl === pos && this.cut)) line(pos, nl);
      this.cut = false;
      pos = nl + 1;
    }
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

/** What text mode puts before each line of a service. */
export function textPrefix(name: string, colourCode: number, stream: Stream, f: LineFormat): Buffer {
  const label = name.padEnd(f.width);
  return Buffer.from(f.colour[stream] ? `\x1b[${colourCode}m${label} |\x1b[0m ` : `${label} | `);
}

function textLines(name: string, colourCode: number, stream: Stream, lines: Buffer[], f: LineFormat): Buffer {
  const prefix = textPrefix(name, colourCode, stream, f);
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
