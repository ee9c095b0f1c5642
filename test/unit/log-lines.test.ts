import { describe, expect, it } from 'vitest';
import { formatLines, LineSplitter, MAX_LINE } from '../../src/supervisor/log-lines';

const text = (lines: Buffer[]) => lines.map(String);

describe('LineSplitter', () => {
  it('keeps partial lines until their newline', () => {
    const s = new LineSplitter();
    expect(text(s.push(Buffer.from('he')))).toEqual([]);
    expect(text(s.push(Buffer.from('llo\nwor')))).toEqual(['hello']);
    expect(text(s.push(Buffer.from('ld\n\nx')))).toEqual(['world', '']);
    expect(String(s.end())).toBe('x');
    expect(s.end()).toBeNull();
  });

  it('cuts a line longer than MAX_LINE into pieces', () => {
    const s = new LineSplitter();
    const lines = s.push(Buffer.alloc(MAX_LINE * 2 + 10, 'a'));
    expect(lines.map((l) => l.length)).toEqual([MAX_LINE, MAX_LINE]);
    expect(s.end()?.length).toBe(10);
  });
});

describe('formatLines', () => {
  const at = new Date('2026-12-03T12:00:00.000Z');
  it('prefixes text lines, padded, without colour off a terminal', () => {
    expect(formatLines('web', 36, 'stdout', [Buffer.from('up'), Buffer.from('{"a":1}')], { format: 'text', colour: false, width: 7 })).toBe(
      'web     | up\nweb     | {"a":1}\n',
    );
  });

  it('colours the prefix on a terminal', () => {
    expect(formatLines('web', 36, 'stdout', [Buffer.from('up')], { format: 'text', colour: true, width: 3 })).toBe('\x1b[36mweb |\x1b[0m up\n');
  });

  it('wraps lines as JSON, embedding app JSON without re-escaping it', () => {
    const out = formatLines('web', 36, 'stderr', [Buffer.from('plain "quoted"'), Buffer.from('{"level":"info","n":1}'), Buffer.from('{broken')], { format: 'json', colour: false, width: 3 }, at);
    expect(out.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { time: '2026-12-03T12:00:00.000Z', service: 'web', stream: 'stderr', message: 'plain "quoted"' },
      { time: '2026-12-03T12:00:00.000Z', service: 'web', stream: 'stderr', json: { level: 'info', n: 1 } },
      { time: '2026-12-03T12:00:00.000Z', service: 'web', stream: 'stderr', message: '{broken' },
    ]);
  });
});
