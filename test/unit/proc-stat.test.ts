import { describe, expect, it } from 'vitest';
import { parseStat, readStat } from '../../src/proc-stat';

describe('parseStat', () => {
  it('counts fields from the last parenthesis, whatever the command holds', () => {
    const s = parseStat('4242 (a) b (c) S 1 4242 4200 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 12345 0 0');
    expect(s).toMatchObject({ pid: 4242, comm: 'a) b (c', state: 'S', ppid: 1, pgid: 4242, sid: 4200 });
    expect(s?.field(22)).toBe(12345);
  });

  it('rejects a line that is not a stat line, and reads our own', () => {
    expect(parseStat('garbage')).toBeUndefined();
    expect(readStat(process.pid)).toMatchObject({ pid: process.pid, ppid: process.ppid });
    expect(readStat(2 ** 30)).toBeUndefined();
  });
});
