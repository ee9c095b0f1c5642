// Log pipeline: one service writes LINE-byte lines (tb-lines) as fast as it can; the
// supervisor's stdout is a pipe to tb-linesink, which times first byte → end marker. The
// baseline is the same producer through a raw `cat` of a pipe. Throughput is the service's
// payload (prefixes not counted) per second.
import { fx } from '../lib/paths.mjs';
import { rotate } from '../lib/inits.mjs';
import { start, waitFor, killTree, removeTmp, childEnv } from '../lib/procs.mjs';
import { sampleMap, rowsFrom, rowOf, check, all } from '../lib/metric.mjs';
import { supervisorFor } from '../lib/supervisors.mjs';

const RAW = 'raw cat';
const LINE = 100;

export default {
  id: 'logs',
  needs: ['tinit', 'pm2'],
  async run({ quick, log }) {
    const bytes = quick ? 32 << 20 : 1 << 30;
    const reps = quick ? 1 : 3;
    const deadlineMs = quick ? 20000 : 90000;
    const names = ['tinit run', 'pm2-runtime', RAW];
    const samples = sampleMap(names);
    const incomplete = {};
    const producer = [fx('tb-lines'), String(bytes), String(LINE)];
    const sink = `"${fx('tb-linesink')}" ${deadlineMs}`;
    for (let rep = 0; rep < reps; rep++) {
      for (const name of rotate(names, rep)) {
        let script, env = childEnv(), dir, cmd;
        if (name === RAW) { script = `"$@" | cat | ${sink}`; cmd = producer; }
        else {
          const s = supervisorFor(name, [{ name: 'app', argv: producer, pm2: { autorestart: false } }], 'logs');
          script = `"$@" 2>/dev/null | ${sink}`;
          env = s.env; dir = s.dir; cmd = s.argv;
        }
        const p = start(['sh', '-c', script, 'sh', ...cmd], { env, stdout: 'pipe' });
        try {
          const line = await waitFor(() => /^(\d+) (\d+) (\d+) (\d+) (\d)$/m.exec(p.out.stdout), deadlineMs + 10000, 50);
          if (!line) { samples.get(name).push(NaN); continue; }
          const [first, last, , lines, complete] = line.slice(1).map(Number);
          const payload = complete ? bytes : Math.min(lines, bytes / LINE) * LINE;
          if (!complete) incomplete[name] = `${(payload / 2 ** 20).toFixed(0)} MiB of ${(bytes / 2 ** 20).toFixed(0)} by the ${deadlineMs / 1000} s deadline`;
          samples.get(name).push(payload / 1e6 / ((last - first) / 1e9));
        } finally {
          killTree(p.pid);
          if (dir) removeTmp(dir);
        }
        log(`logs: ${name} done (${rep + 1}/${reps})`);
      }
    }
    const rows = rowsFrom(samples, { notes: incomplete });
    const t = rowOf(rows, 'tinit run')?.median;
    return [{
      id: 'logs', title: `log pipeline (${bytes >= 1 << 30 ? `${bytes / 2 ** 30} GiB` : `${bytes / 2 ** 20} MiB`} of ${LINE}-byte lines)`,
      unit: 'MB/s', better: 'higher', rows,
      refs: { other: RAW },
      target: '≥ 30% of raw cat; ≥ 3× pm2-runtime',
      verdict: all(
        check(t / rowOf(rows, RAW)?.median, 0.3, { higher: true, unit: '×', what: 'vs raw ' }),
        check(t / rowOf(rows, 'pm2-runtime')?.median, 3, { higher: true, unit: '×', what: 'vs pm2 ' }),
      ),
      notes: [
        'throughput = service payload / (first byte → end marker at the reader); stdout of the supervisor is a pipe',
        'tinit prefixes each line ("app | "); pm2-runtime prints lines raw (its default) and its log files go to /dev/null',
      ],
    }];
  },
};
