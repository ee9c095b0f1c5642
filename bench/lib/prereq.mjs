// Checks what the selected figures need, installs nothing, and says how to get what is missing.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, PM2_RUNTIME } from './paths.mjs';

function onPath(cmd) {
  return (process.env.PATH ?? '').split(':').some((d) => {
    try { fs.accessSync(path.join(d || '.', cmd), fs.constants.X_OK); return true; } catch { return false; }
  });
}

/** @param {Set<string>} needs @returns {string[]} problems, each with its remedy */
export function checkPrereqs(needs) {
  const problems = [];
  const apt = [];
  for (const tool of ['tini', 'dumb-init', 'catatonit']) if (needs.has(tool) && !onPath(tool)) apt.push(tool);
  if (apt.length) problems.push(`missing ${apt.join(', ')}: apt-get install -y ${apt.join(' ')}`);
  if (!onPath('cc')) problems.push('missing cc (the fixtures in bench/fixtures/*.c are compiled at run time): apt-get install -y gcc');
  if (needs.has('unshare') && !onPath('unshare')) problems.push('missing unshare: apt-get install -y util-linux');
  if (needs.has('pm2') && !fs.existsSync(PM2_RUNTIME)) problems.push('missing pm2-runtime: npm install --prefix bench');
  if (needs.has('tinit')) {
    const addon = ['build/Release/tinit.node', 'native/build/Release/tinit.node'].some((p) => fs.existsSync(path.join(ROOT, p)));
    if (!fs.existsSync(path.join(ROOT, 'dist', 'main.js')) || !addon) problems.push('tinit is not built (dist/main.js and the addon): npm ci');
  }
  if (needs.has('unshare') && onPath('unshare') && !problems.length) {
    // PID namespaces need root (CAP_SYS_ADMIN); say so rather than fail inside a figure.
    const r = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { timeout: 5000, stdio: 'ignore' });
    if (r.status !== 0) problems.push('`unshare --pid --fork --mount-proc` failed: the orphan-storm and docker-stop figures need root (CAP_SYS_ADMIN)');
  }
  return problems;
}
