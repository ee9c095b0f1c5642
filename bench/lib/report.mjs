// One table for every figure: text (terminal), markdown (README) or JSON (machines).
// A metric is { id, title, unit, better, target, rows: [{init, median, p99?, n, note?}],
//   refs: {tini?, node?, other?} (row names to divide by), verdict: {met, detail}, error? }.

const UNITS = { ms: 'ms', MiB: 'MiB', 'MB/s': 'MB/s', 'wakeups/10s': '/10 s' };

export function fmt(v, unit) {
  if (v == null || Number.isNaN(v)) return 'n/a';
  const u = UNITS[unit] ?? unit;
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : Math.abs(v) >= 1 ? 2 : 3;
  return `${v.toFixed(unit === 'wakeups/10s' && Number.isInteger(v) ? 0 : digits)} ${u}`;
}
const ratio = (a, b) => (a == null || b == null || !b || Number.isNaN(a) || Number.isNaN(b) ? null : a / b);
const fmtRatio = (r) => (r == null ? '' : `${r.toFixed(2)}×`);

/** Adds the ratio columns to each row: median / the reference row's median. */
export function withRatios(metric) {
  const byName = new Map(metric.rows.map((r) => [r.init, r]));
  const refMedian = (k) => (metric.refs?.[k] ? byName.get(metric.refs[k])?.median : null);
  return {
    ...metric,
    rows: metric.rows.map((r) => ({
      ...r,
      vs: {
        tini: metric.refs?.tini && r.init !== metric.refs.tini ? ratio(r.median, refMedian('tini')) : null,
        node: metric.refs?.node && r.init !== metric.refs.node ? ratio(r.median, refMedian('node')) : null,
        other: metric.refs?.other && r.init !== metric.refs.other ? ratio(r.median, refMedian('other')) : null,
      },
    })),
  };
}

function verdictText(m, row) {
  if (m.error) return row === 0 ? `ERROR: ${m.error}` : '';
  if (row !== 0 || !m.verdict) return '';
  if (m.verdict.met == null) return `? ${m.verdict.detail ?? ''}`.trim();
  return `${m.verdict.met ? 'met' : 'MISSED'}${m.verdict.detail ? ` (${m.verdict.detail})` : ''}`;
}

function cells(metrics) {
  const head = ['figure', 'init', 'median', 'p99', '× tini', '× node', '× other', 'target', 'verdict'];
  const body = [];
  for (const raw of metrics) {
    const m = withRatios(raw);
    const rows = m.rows.length ? m.rows : [{ init: '—', median: null }];
    rows.forEach((r, i) => {
      body.push([
        i === 0 ? m.title : '',
        r.init + (r.note ? ` (${r.note})` : ''),
        fmt(r.median, m.unit),
        r.p99 != null ? fmt(r.p99, m.unit) : '',
        fmtRatio(r.vs?.tini),
        fmtRatio(r.vs?.node),
        r.vs?.other != null ? `${fmtRatio(r.vs.other)} ${m.refs.other}` : '',
        i === 0 ? m.target ?? '' : '',
        verdictText(m, i),
      ]);
    });
  }
  return { head, body };
}

export function header(machine, opts) {
  const v = Object.entries(machine.versions).map(([k, x]) => `${k}: ${x ?? 'missing'}`).join('; ');
  return [
    `tinit bench — ${machine.date}${opts.quick ? ' — QUICK run (few repetitions, small sizes: not for comparison)' : ''}`,
    `CPU: ${machine.cpu}, ${machine.cores} cores; kernel ${machine.kernel}; node ${machine.node}`,
    `peers: ${v}`,
  ];
}

export function textReport(machine, metrics, opts) {
  const { head, body } = cells(metrics);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [...header(machine, opts), '', line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line), ...notes(metrics)].join('\n');
}

export function markdownReport(machine, metrics, opts) {
  const { head, body } = cells(metrics);
  const esc = (c) => c.replace(/\|/g, '\\|');
  return [
    ...header(machine, opts).map((l) => `${l}  `),
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...body.map((r) => `| ${r.map(esc).join(' | ')} |`),
    ...notes(metrics).map((l) => (l.startsWith('  - ') ? `- ${l.slice(4)}` : l)),
  ].join('\n');
}

function notes(metrics) {
  const n = metrics.filter((m) => m.notes?.length).flatMap((m) => m.notes.map((x) => `  - ${m.title}: ${x}`));
  return n.length ? ['', 'Notes:', ...n] : [];
}

export function jsonReport(machine, metrics, opts) {
  return JSON.stringify({ machine, quick: opts.quick, figures: metrics.map(withRatios) }, null, 2);
}
