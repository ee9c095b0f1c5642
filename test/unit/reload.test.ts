import { describe, expect, it } from 'vitest';
import { supervisorSpec } from '../../src/supervisor/model';
import { planReload } from '../../src/supervisor/reload';
import type { ConfigFile } from '../../src/config/schema';

const rt = { min: 34, max: 64 };
const spec = (services: ConfigFile['services']) => supervisorSpec({ services }, rt);
const names = (list: Array<{ name: string }>) => list.map((s) => s.name);

describe('planReload', () => {
  it('finds added, removed and changed services', () => {
    const before = new Map(spec({ a: { command: 'x' }, b: { command: 'y' }, c: { command: 'z', stop_grace_period: '2s' } }).services.map((s) => [s.name, s]));
    const plan = planReload(before, spec({ a: { command: 'x2' }, c: { command: 'z', stop_grace_period: 2 }, d: { command: 'w' } }));
    expect(names(plan.added)).toEqual(['d']);
    expect(plan.removed).toEqual(['b']);
    // 2s and 2 mean the same: c is unchanged.
    expect(names(plan.changed)).toEqual(['a']);
  });

  it('sees a changed dependency condition and a changed log pattern', () => {
    const before = new Map(spec({ a: { command: 'x', readiness: { log: 'up' } }, b: { command: 'y', depends_on: ['a'] } }).services.map((s) => [s.name, s]));
    const plan = planReload(before, spec({ a: { command: 'x', readiness: { log: 'ready' } }, b: { command: 'y', depends_on: { a: { condition: 'ready' } } } }));
    expect(names(plan.changed)).toEqual(['a', 'b']);
  });
});
