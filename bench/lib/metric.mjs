// Turns per-init samples into metric rows, and target checks into verdicts.
import { median, p99 } from './stats.mjs';

/** @param {Map<string, number[]>} samples @param {{p99?:boolean, notes?:Record<string,string>}} o */
export function rowsFrom(samples, o = {}) {
  return [...samples].map(([init, xs]) => {
    const ok = xs.filter((x) => Number.isFinite(x));
    return {
      init,
      median: ok.length ? median(ok) : null,
      p99: o.p99 && ok.length ? p99(ok) : undefined,
      n: ok.length,
      // The spread, for --json readers judging how noisy the machine was.
      min: ok.length ? Math.min(...ok) : null,
      max: ok.length ? Math.max(...ok) : null,
      failed: xs.length - ok.length || undefined,
      note: o.notes?.[init],
    };
  });
}

/** Samples keyed by init, in the order the inits are listed (the table's row order). */
export function sampleMap(names) {
  return new Map(names.map((n) => [n, []]));
}

export const rowOf = (rows, name) => rows.find((r) => r.init === name);

/** "met" when value ≤ limit (or ≥ for better:'higher'); the detail says by how much otherwise. */
export function check(value, limit, { unit = '', higher = false, what = '' } = {}) {
  if (value == null || limit == null || Number.isNaN(value) || Number.isNaN(limit)) return { met: null, detail: 'no data' };
  const met = higher ? value >= limit : value <= limit;
  const f = (x) => `${Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2)}${unit}`;
  const by = higher ? limit - value : value - limit;
  return { met, detail: met ? `${what}${f(value)} vs limit ${f(limit)}` : `${what}${f(value)} vs limit ${f(limit)}: ${higher ? 'short' : 'over'} by ${f(by)}` };
}

/** Combines several checks: met only if all are. */
export function all(...checks) {
  const met = checks.some((c) => c.met === false) ? false : checks.some((c) => c.met == null) ? null : true;
  return { met, detail: checks.map((c) => c.detail).join('; ') };
}
