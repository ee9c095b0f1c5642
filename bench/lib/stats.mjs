// Order statistics. Medians and p99 rather than means: start-up and scheduling times have long
// right tails, and one slow outlier should not move the headline figure.

/** @param {number[]} xs @param {number} q in [0,1] — nearest-rank on the sorted samples */
export function quantile(xs, q) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i];
}
export const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const p99 = (xs) => quantile(xs, 0.99);
export const ms = (ns) => Number(ns) / 1e6;
