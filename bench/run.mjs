#!/usr/bin/env node
// tinit's benchmark: every figure, every init, interleaved, in one run. See bench/README.md.
// Installs nothing: it checks what the selected figures need and exits 3 with the command that
// would install what is missing.
import fs from 'node:fs';
import { parseArgs, USAGE } from './lib/args.mjs';
import { checkPrereqs } from './lib/prereq.mjs';
import { buildFixtures } from './lib/build.mjs';
import { machineInfo } from './lib/machine.mjs';
import { cleanupAll } from './lib/procs.mjs';
import { textReport, markdownReport, jsonReport } from './lib/report.mjs';
import { FIGURES } from './figures/index.mjs';

const render = (format) => ({ text: textReport, markdown: markdownReport, json: jsonReport })[format];
const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

// Whatever ends the run, the processes and temp files it made go with it.
let exiting = false;
function bail(code, why) {
  if (exiting) return;
  exiting = true;
  if (why) log(why);
  cleanupAll();
  process.exit(code);
}
process.on('exit', () => cleanupAll());
for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) process.on(sig, () => bail(code, `${sig}: cleaning up`));
process.on('uncaughtException', (e) => bail(1, `fatal: ${e?.stack ?? e}`));
process.on('unhandledRejection', (e) => bail(1, `fatal: ${e?.stack ?? e}`));

async function main() {
  let opts;
  try { opts = parseArgs(process.argv.slice(2)); } catch (e) { console.error(`${e.message}\n${USAGE}`); return 2; }
  if (opts.help) { console.log(USAGE); return 0; }
  if (opts.from) {
    const saved = JSON.parse(fs.readFileSync(opts.from, 'utf8'));
    process.stdout.write(`${render(opts.format)(saved.machine, saved.figures, { ...opts, quick: saved.quick })}\n`);
    return 0;
  }
  if (opts.list) { for (const f of FIGURES) console.log(`${f.id.padEnd(12)} ${f.describe}`); return 0; }
  const ids = FIGURES.map((f) => f.id);
  const unknown = (opts.only ?? []).filter((x) => !ids.includes(x));
  if (unknown.length) { console.error(`unknown figure ${unknown.join(', ')}; figures: ${ids.join(', ')}`); return 2; }
  const selected = opts.only ? FIGURES.filter((f) => opts.only.includes(f.id)) : FIGURES;

  const problems = checkPrereqs(new Set(selected.flatMap((f) => f.needs)));
  if (problems.length) {
    console.error(`bench: cannot run; nothing was installed. Missing:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    return 3;
  }
  buildFixtures(log);
  const machine = machineInfo();
  const metrics = [];
  const started = Date.now();
  for (const f of selected) {
    const t0 = Date.now();
    log(`${f.id}: ${f.describe}`);
    try {
      metrics.push(...(await f.run({ quick: opts.quick, log })));
    } catch (e) {
      log(`${f.id} failed: ${e?.stack ?? e}`);
      metrics.push({ id: f.id, title: f.describe, unit: '', rows: [], error: String(e?.message ?? e).split('\n')[0] });
    } finally {
      cleanupAll(); // nothing from one figure may disturb the next
    }
    log(`${f.id}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  log(`all figures in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const out = render(opts.format)(machine, metrics, opts);
  process.stdout.write(`${out}\n`);
  return metrics.some((m) => m.error) ? 1 : 0;
}

main().then((code) => bail(code), (e) => bail(1, `fatal: ${e?.stack ?? e}`));
