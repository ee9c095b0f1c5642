// The figures, in the order of the table. `describe` is what --list prints.
import start from './start.mjs';
import exec from './exec.mjs';
import rss from './rss.mjs';
import wakeups from './wakeups.mjs';
import signal from './signal.mjs';
import orphans from './orphans.mjs';
import stop from './stop.mjs';
import logs from './logs.mjs';
import supRss from './sup-rss.mjs';
import supStop from './sup-stop.mjs';
import restart from './restart.mjs';

start.describe = 'start overhead: INIT -- true, wall time, vs node -e 0';
exec.describe = 'time to child exec: INIT exec → child main(), vs node bootstrap';
rss.describe = "RSS: init's own memory while supervising one sleeping child, vs idle node";
wakeups.describe = 'idle wake-ups: voluntary context switches of the idle init (all threads)';
signal.describe = 'signal forward latency: sender stamp → child handler stamp, SIGUSR1';
orphans.describe = 'orphan storm as PID 1: time to zero zombies, drain after the last exit';
stop.describe = 'docker-stop path as PID 1: SIGTERM → child gone → init exit';
logs.describe = '(supervisor) log pipeline: one service writing lines, tinit run vs raw cat vs pm2-runtime';
supRss.describe = '(supervisor) RSS with 20 idle services, tinit run vs pm2-runtime';
supStop.describe = '(supervisor) stop 20 services needing 1 s each: SIGTERM → exit';
restart.describe = '(supervisor) restart after crash, zero backoff: exit → new process';

export const FIGURES = [start, exec, rss, wakeups, signal, orphans, stop, logs, supRss, supStop, restart];
