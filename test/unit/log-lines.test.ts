import { describe, expect, it } from 'vitest';
import { formatLines, LineSplitter, MAX_LINE, textPrefix } from '../../src/supervisor/log-lines';

const text = (lines: Buffer[]) => lines.map(String);
const plain = { stdout: false, stderr: false };

describe('LineSplitter', () => {
  it('keeps partial lines until their newline', () => {
    const s = new LineSplitter();
    expect(text(s.push(Buffer.from('he')))).toEqual([]);
    expect(text(s.push(Buffer.from('llo\nwor')))).toEqual(['hello']);
    expect(text(s.push(Buffer.from('ld\n\nx')))).toEqual(['world', '']);
    expect(String(s.end())).toBe('x');
    expect(s.end()).toBeNull();
  });

  it('cuts a line longer than MAX_LINE into pieces, in one chunk or several', () => {
    const s = new LineSplitter();
    expect(s.push(Buffer.alloc(MAX_LINE * 2 + 10, 'a')).map((l) => l.length)).toEqual([MAX_LINE, MAX_LINE]);
    expect(s.end()?.length).toBe(10);
    const t = new LineSplitter();
    expect(t.push(Buffer.alloc(60_000, 'a'))).toEqual([]);
    expect(t.push(Buffer.concat([Buffer.alloc(60_000, 'b'), Buffer.from('\n')])).map((l) => l.length)).toEqual([MAX_LINE, 120_000 - MAX_LINE]);
  });

  it('does not add an empty line when the newline comes right after a cut', () => {
    const s = new LineSplitter();
    expect(s.push(Buffer.alloc(MAX_LINE, 'a')).map((l) => l.length)).toEqual([MAX_LINE]);
    expect(text(s.push(Buffer.from('\nnext\n')))).toEqual(['next']);
  });

  it('never cuts inside a UTF-8 character', () => {
    const s = new LineSplitter();
    const pieces = s.push(Buffer.concat([Buffer.alloc(MAX_LINE - 1, 'a'), Buffer.from('é'), Buffer.from('\n')]));
    expect(pieces.map((p) => p.length)).toEqual([MAX_LINE - 1, 2]);
    expect(pieces[1]?.toString()).toBe('é');
  });
});

describe('LineSplitter.pushPrefixed (the text fast path)', () => {
  const f = { format: 'text' as const, colour: plain, width: 5 };
  const prefix = textPrefix('web', 36, 'stdout', f);

  // A stream of awkward pieces: empty lines, long lines around MAX_LINE, multi-byte characters,
  // newlines right after a cut. Deterministic (a fixed linear congruential sequence).
  function pieces(seed: number): Buffer[] {
    let x = seed;
    const next = (n: number) => (x = (x * 1103515245 + 12345) % 2 ** 31) % n;
    const words = ['', 'a', 'é€', 'line of text', 'x'.repeat(MAX_LINE - 1), 'y'.repeat(MAX_LINE), 'z'.repeat(MAX_LINE + 3)];
    const stream = Buffer.from(Array.from({ length: 40 }, () => words[next(words.length)]).join('\n') + '\n' + 'tail');
    const out: Buffer[] = [];
    for (let at = 0; at < stream.length; ) {
      const n = 1 + next(70_000);
      out.push(stream.subarray(at, at + n));
      at += n;
    }
    return out;
  }

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('writes what push + formatLines write (stream %i)', (seed) => {
    const slow = new LineSplitter();
    const fast = new LineSplitter();
    for (const piece of pieces(seed)) {
      expect(fast.pushPrefixed(piece, prefix)).toEqual(formatLines('web', 36, 'stdout', slow.push(piece), f));
    }
    expect(fast.end()).toEqual(slow.end());
  });

  it('can take over from push mid-stream (a log watcher leaves) and back', () => {
    const s = new LineSplitter();
    expect(text(s.push(Buffer.from('one\ntw')))).toEqual(['one']);
    expect(String(s.pushPrefixed(Buffer.from('o\nthr'), prefix))).toBe('web   | two\n');
    expect(text(s.push(Buffer.from('ee\n')))).toEqual(['three']);
  });
});

describe('formatLines', () => {
  const at = new Date('2026-12-03T12:00:00.000Z');
  it('prefixes text lines, padded, without colour off a terminal, bytes unchanged', () => {
    const out = formatLines('web', 36, 'stdout', [Buffer.from('up'), Buffer.from('{"a":1}'), Buffer.from([0xff, 0x41])], { format: 'text', colour: plain, width: 7 });
    expect(out).toEqual(Buffer.concat([Buffer.from('web     | up\nweb     | {"a":1}\nweb     | '), Buffer.from([0xff, 0x41]), Buffer.from('\n')]));
  });

  it('colours the prefix where that stream is a terminal', () => {
    const f = { format: 'text' as const, colour: { stdout: true, stderr: false }, width: 3 };
    expect(String(formatLines('web', 36, 'stdout', [Buffer.from('up')], f))).toBe('\x1b[36mweb |\x1b[0m up\n');
    expect(String(formatLines('web', 36, 'stderr', [Buffer.from('up')], f))).toBe('web | up\n');
  });

  it('wraps lines as JSON, embedding app JSON without re-escaping it', () => {
    const out = formatLines('web', 36, 'stderr', [Buffer.from('plain "quoted"'), Buffer.from('{"level":"info","n":1}'), Buffer.from('{broken')], { format: 'json', colour: plain, width: 3 }, at);
    expect(String(out).trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { time: '2026-12-03T12:00:00.000Z', service: 'web', stream: 'stderr', message: 'plain "quoted"' },
      { time: '2026-12-03T12:00:00.000Z', service: 'web', stream: 'stderr', json: { level: 'info', n: 1 } },
      { time: '2026-12-03T12:00:00.000Z', service: 'web', stream: 'stderr', message: '{broken' },
    ]);
  });
});
