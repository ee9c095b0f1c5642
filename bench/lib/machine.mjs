// The header of every report: results mean little without the machine they came from.
import fs from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { PM2_RUNTIME, BENCH } from './paths.mjs';
import path from 'node:path';

function firstLine(cmd, args) {
  // dumb-init prints its version on stderr, so both streams are read.
  const r = spawnSync(cmd, args, { timeout: 3000, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.error) return null;
  return `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim()).find(Boolean) ?? null;
}

export function machineInfo() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^(model name|Hardware|cpu model)\s*:\s*(.+)$/m.exec(cpuinfo)?.[2]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  let pm2 = null;
  try { pm2 = JSON.parse(fs.readFileSync(path.join(BENCH, 'node_modules', 'pm2', 'package.json'), 'utf8')).version; } catch {}
  return {
    date: new Date().toISOString(),
    cpu: model,
    cores: os.cpus().length,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    versions: {
      tini: firstLine('tini', ['--version']),
      'dumb-init': firstLine('dumb-init', ['--version']),
      catatonit: firstLine('catatonit', ['--version']),
      'pm2-runtime': pm2 && fs.existsSync(PM2_RUNTIME) ? `pm2 ${pm2}` : null,
    },
  };
}
