// Processes: start, wait with a deadline, inspect through /proc, and clean up.
// Every process the harness starts gets its own process group and is registered here; at the
// end of a measurement, and on any exit path (error, Ctrl-C), its whole tree is stopped and
// killed by pid. Each child also carries TB_BENCH_RUN in its environment, so a daemon that
// escaped the tree (double fork, re-parented away) is still found and ended — it is ours.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const RUN_ID = `${process.pid}-${Date.now().toString(36)}`;
const MARK = `TB_BENCH_RUN=${RUN_ID}`;
/** @type {Set<number>} */ const roots = new Set();
/** @type {Set<string>} */ const tmpDirs = new Set();

/** The environment children get: ours, minus what would make "bare node" less bare, plus the marker. */
export function childEnv(extra = {}) {
  const env = { ...process.env, ...extra, TB_BENCH_RUN: RUN_ID };
  for (const k of ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS']) delete env[k];
  return env;
}

export function tmpDir(tag) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `tinit-bench-${tag}-`));
  tmpDirs.add(d);
  return d;
}
export function removeTmp(d) {
  try { fs.rmSync(d, { recursive: true, force: true }); } catch {}
  tmpDirs.delete(d);
}

// ---- /proc ---------------------------------------------------------------------------

/** @returns {Map<number,{ppid:number,state:string,comm:string}>} */
export function procTable() {
  const t = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(+name);
    if (s) t.set(+name, s);
  }
  return t;
}
export function readStat(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may hold spaces and parentheses: the fields after it start after the last ')'.
    const close = text.lastIndexOf(')');
    const f = text.slice(close + 2).split(' ');
    return { ppid: +f[1], state: f[0], comm: text.slice(text.indexOf('(') + 1, close) };
  } catch { return null; }
}
export function descendants(root, table = procTable()) {
  const kids = new Map();
  for (const [pid, s] of table) {
    if (!kids.has(s.ppid)) kids.set(s.ppid, []);
    kids.get(s.ppid).push(pid);
  }
  const out = [];
  const stack = [...(kids.get(root) ?? [])];
  while (stack.length) {
    const p = stack.pop();
    out.push(p);
    stack.push(...(kids.get(p) ?? []));
  }
  return out;
}
export function childrenOf(pid, table = procTable()) {
  return [...table].filter(([, s]) => s.ppid === pid).map(([p]) => p);
}
function statusField(pid, field, tid) {
  try {
    const file = tid ? `/proc/${pid}/task/${tid}/status` : `/proc/${pid}/status`;
    const m = new RegExp(`^${field}:\\s*(\\d+)`, 'm').exec(fs.readFileSync(file, 'utf8'));
    return m ? +m[1] : null;
  } catch { return null; }
}
/** Resident set in KiB (VmRSS), null if gone. */
export const rssKb = (pid) => statusField(pid, 'VmRSS');
/** Context switches summed over all threads (a thread that sleeps and wakes counts once per wake). */
export function ctxtSwitches(pid) {
  let vol = 0, invol = 0;
  let tids;
  try { tids = fs.readdirSync(`/proc/${pid}/task`); } catch { return null; }
  for (const tid of tids) {
    vol += statusField(pid, 'voluntary_ctxt_switches', tid) ?? 0;
    invol += statusField(pid, 'nonvoluntary_ctxt_switches', tid) ?? 0;
  }
  return { vol, invol, threads: tids.length };
}

// ---- start / wait / kill -------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export { sleep };

/**
 * Starts argv in its own process group. stdout/stderr: 'pipe' (collected, capped), 'ignore',
 * or an fd.
 */
export function start(argv, { env = childEnv(), stdout = 'ignore', stderr = 'ignore', cwd } = {}) {
  const child = spawn(argv[0], argv.slice(1), { env, cwd, detached: true, stdio: ['ignore', stdout, stderr] });
  const out = { stdout: '', stderr: '' };
  for (const k of ['stdout', 'stderr']) {
    child[k]?.on('data', (d) => { if (out[k].length < 1 << 20) out[k] += d; });
  }
  const done = new Promise((resolve) => {
    child.on('error', (e) => resolve({ code: null, signal: null, error: e }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  if (child.pid) roots.add(child.pid);
  done.then(() => roots.delete(child.pid));
  return { pid: child.pid, child, out, done };
}

/** Waits for a started process, up to timeoutMs; on timeout its tree is killed. */
export async function finish(p, timeoutMs) {
  let timer;
  const timeout = new Promise((r) => { timer = setTimeout(() => r('timeout'), timeoutMs); });
  const res = await Promise.race([p.done, timeout]);
  clearTimeout(timer);
  if (res === 'timeout') {
    killTree(p.pid);
    const after = await Promise.race([p.done, sleep(2000).then(() => ({}))]);
    return { ...after, timedOut: true, stdout: p.out.stdout, stderr: p.out.stderr };
  }
  return { ...res, timedOut: false, stdout: p.out.stdout, stderr: p.out.stderr };
}

/** start + finish. */
export async function run(argv, { timeoutMs = 30000, ...opts } = {}) {
  return finish(start(argv, { stdout: 'pipe', stderr: 'pipe', ...opts }), timeoutMs);
}

/** Polls pred() every intervalMs until it returns a truthy value or timeoutMs passes. */
export async function waitFor(pred, timeoutMs, intervalMs = 10) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = pred();
    if (v) return v;
    if (Date.now() > end) return null;
    await sleep(intervalMs);
  }
}

function signal(pid, sig) {
  try { process.kill(pid, sig); return true; } catch { return false; }
}
function live(pids, table) {
  return pids.filter((p) => table.has(p) && table.get(p).state !== 'Z');
}

/** Stops the tree first (a stopped process cannot fork), rescans, then kills every pid in it. */
export function killTree(root) {
  for (let round = 0; round < 6; round++) {
    let t = procTable();
    const first = live([root, ...descendants(root, t)], t);
    if (!first.length) return;
    for (const p of first) signal(p, 'SIGSTOP');
    t = procTable();
    for (const p of live([root, ...descendants(root, t)], t)) signal(p, 'SIGKILL');
    for (const p of first) signal(p, 'SIGKILL');
  }
}

/** Processes that carry this run's marker but left every registered tree. */
function markedStrays() {
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || +name === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(MARK)) out.push(+name);
    } catch {}
  }
  return out;
}

/** Ends everything this run started and removes its temporary files. Synchronous, so it also works in 'exit'. */
export function cleanupAll() {
  for (const r of [...roots]) killTree(r);
  for (let i = 0; i < 3; i++) {
    const strays = markedStrays();
    if (!strays.length) break;
    for (const p of strays) signal(p, 'SIGKILL');
  }
  roots.clear();
  for (const d of [...tmpDirs]) removeTmp(d);
}

/** Ends one measurement's processes (tree + strays of this run); for use between samples. */
export function endAll(...procs) {
  for (const p of procs) if (p?.pid) killTree(p.pid);
}
