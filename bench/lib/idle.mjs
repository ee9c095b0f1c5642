// An idle set: every init supervising one sleeping child (tb-sleep), bare idle node, and
// pm2-runtime with one tb-sleep app, all started at once so that they idle through the same
// seconds. Used by the RSS and wake-up figures.
import { INITS, ALL_INITS, NODE_IDLE, pm2Setup } from './inits.mjs';
import { fx } from './paths.mjs';
import { start, childEnv, descendants, procTable, waitFor, sleep, killTree, removeTmp } from './procs.mjs';

export const NODE_IDLE_NAME = 'node (idle)';
export const PM2 = 'pm2-runtime';
const CHILD = 'tb-sleep';

/** Pids of the init's own processes: its tree minus the supervised children. */
export function ownPids(root, table = procTable()) {
  return [root, ...descendants(root, table)].filter((p) => table.has(p) && !table.get(p).comm.startsWith('tb-'));
}
export function countChildren(root, comm, table = procTable()) {
  return descendants(root, table).filter((p) => table.get(p)?.comm === comm && table.get(p)?.state !== 'Z').length;
}

/**
 * Starts the set, waits until every init has its child (up to 20 s), then settleMs more.
 * @returns {Promise<{members: {name:string, pid:number}[], stop: () => void}>}
 */
export async function startIdleSet(names, settleMs) {
  const members = [];
  const pm2dirs = [];
  for (const name of names) {
    let argv, env = childEnv();
    if (ALL_INITS.includes(name)) argv = INITS[name].wrap([fx(CHILD), '300']);
    else if (name === NODE_IDLE_NAME) argv = NODE_IDLE;
    else if (name === PM2) {
      const s = pm2Setup([{ name: 'sleeper', script: fx(CHILD), args: ['300'] }]);
      argv = s.argv; env = childEnv(s.env); pm2dirs.push(s.dir);
    } else throw new Error(`unknown idle member ${name}`);
    members.push({ name, needsChild: name !== NODE_IDLE_NAME, ...start(argv, { env }) });
  }
  const ready = await waitFor(() => {
    const t = procTable();
    return members.every((m) => !m.needsChild || countChildren(m.pid, CHILD, t) >= 1);
  }, 20000, 20);
  const stop = () => { for (const m of members) killTree(m.pid); for (const d of pm2dirs) removeTmp(d); };
  if (!ready) { stop(); throw new Error('idle set: not every init started its child within 20 s'); }
  await sleep(settleMs);
  return { members, stop };
}
