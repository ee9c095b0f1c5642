// Runs the services of a config: the one executor of the service machines' effects, plus the
// container's own duties (start order, ordered shutdown under one deadline, exit code, PID 1
// reaping and signal forwarding). Everything here is driven by events: signals, reaped exits,
// timers, probe answers, pipe data.
import fs = require('fs');
import net = require('net');
import { isatty } from 'tty';
import type { BootFacts } from '../boot/wrapper-env';
import { execFailureCode, statusCode } from '../exit-codes';
import { Level, type Logger } from '../log';
import { isSystemError, systemErrorReason, type ChildExit, type NativeBinding, type SpawnSpec } from '../native/binding';
import type { SignalCapture } from '../signals/capture';
import { signalName, signalNumber } from '../signals/table';
import { signalDescendants } from '../init/descendants';
import { readStat } from '../proc-stat';
import { allDown, blocked, startable, stoppable } from './container';
import { serveControl, type ControlAnswer, type ControlRequest, type ServiceStatus } from './control';
import { colourFor, formatLines, LineSplitter, textPrefix, writeLines, type LineFormat, type Stream } from './log-lines';
import type { ServiceSpec, SupervisorSpec } from './model';
import { planReload } from './reload';
import { watchHealth, watchReadiness, type CheckContext } from './probes';
import { initialState, transition, type ServiceEffect, type ServiceEvent, type ServiceState } from './service-machine';
import { serviceEnvironment, serviceSpawnSpec } from './service-spawn';

const LOG_PIPE_CAPACITY = 1 << 20;

const SIGTERM = signalNumber('SIGTERM') as number;
const SIGINT = signalNumber('SIGINT') as number;
const SIGCHLD = signalNumber('SIGCHLD') as number;
const SIGHUP = signalNumber('SIGHUP') as number;
const SIGKILL = 9;
const SIGCONT = signalNumber('SIGCONT') as number;
/** How long what services leave behind gets between SIGTERM and SIGKILL at the end. */
const LEFTOVER_GRACE_MS = 1000;

interface Runtime {
  /** Cancels each pending timer, by name. */
  timers: Map<string, () => void>;
  unwatch: Array<() => void>;
  /** Log pipes still open (stdout, stderr). */
  openStreams: number;
  /** Print what a still-open pipe holds without its newline (when tinit must exit). */
  flushers: Set<() => void>;
  logWatchers: Array<(line: string) => void>;
}

export class Supervisor {
  private readonly specs = new Map<string, ServiceSpec>();
  private readonly states = new Map<string, ServiceState>();
  private readonly runtime = new Map<string, Runtime>();
  private readonly owners = new Map<number, (exit: ChildExit) => void>();
  private readonly colours = new Map<string, number>();
  private phase: 'running' | 'stopping' | 'done' = 'running';
  private exitCode: number | null = null;
  private firstFailure: number | null = null;
  private readonly format: LineFormat;
  private readonly devNull: number;
  private readonly native: NativeBinding;

  /** New definitions from a reload, used from the next spawn on. */
  private readonly pending = new Map<string, ServiceSpec>();
  /** Services removed by a reload, dropped from the tables once they are down. */
  private readonly leaving = new Set<string>();

  constructor(
    private spec: SupervisorSpec,
    private readonly capture: SignalCapture,
    private readonly boot: BootFacts,
    private readonly log: Logger,
    /** Reads the config again, for SIGHUP; throws with the problems when it is not valid. */
    private readonly reread: () => SupervisorSpec,
  ) {
    this.native = capture.native;
    spec.services.forEach((s) => this.add(s));
    const width = Math.max(5, ...spec.services.map((s) => s.name.length));
    const noColour = boot.childEnv.NO_COLOR !== undefined;
    this.format = { format: spec.logFormat, colour: { stdout: isatty(1) && !noColour, stderr: isatty(2) && !noColour }, width };
    // Where tinit's own stdout and stderr are pipes (docker logs), larger ones let the reader
    // take more per wake-up: every service's output passes through them.
    for (const fd of [1, 2]) this.native.setPipeCapacity(fd, LOG_PIPE_CAPACITY);
    this.devNull = fs.openSync('/dev/null', 'r+');
  }

  private add(s: ServiceSpec): void {
    this.specs.set(s.name, s);
    this.states.set(s.name, initialState());
    this.runtime.set(s.name, { timers: new Map(), unwatch: [], openStreams: 0, flushers: new Set(), logWatchers: [] });
    this.colours.set(s.name, colourFor(this.colours.size));
  }

  /** Services a control command took down: they stay down, and the container goes on. */
  private readonly held = new Set<string>();

  private control(request: ControlRequest): ControlAnswer {
    if (request.cmd === 'status') return { ok: true, services: this.statuses() };
    if (request.cmd === 'health') {
      const problems = this.statuses()
        .filter((s) => this.specs.get(s.name)?.type === 'longrun' && !this.held.has(s.name))
        .flatMap((s) => (s.phase !== 'running' ? [`${s.name} is ${s.phase}`] : s.healthy === false ? [`${s.name} is unhealthy`] : []));
      return { ok: true, healthy: problems.length === 0 && this.phase === 'running', problems };
    }
    if (!this.specs.has(request.service)) return { ok: false, error: `no service named ${request.service} (services are ${[...this.specs.keys()].join(', ')})` };
    if (this.phase !== 'running') return { ok: false, error: 'tinit is shutting down' };
    if (request.cmd === 'stop') {
      this.held.add(request.service);
      this.dispatch(request.service, { type: 'down' });
    } else {
      this.held.delete(request.service);
      this.dispatch(request.service, { type: request.cmd === 'start' ? 'up' : 'restart' });
    }
    return { ok: true, services: this.statuses().filter((s) => s.name === request.service) };
  }

  private statuses(): ServiceStatus[] {
    return [...this.states].map(([name, st]) => ({
      name,
      phase: st.phase,
      pid: st.pid,
      ready: st.ready,
      healthy: st.healthy,
      restarts: st.restarts,
      lastExit: st.lastExit,
    }));
  }

  start(): void {
    serveControl(
      (request) => this.control(request),
      (err) => this.say(Level.Warn, `no control socket (${(err as NodeJS.ErrnoException).code ?? err.message}): another tinit run serves this PID namespace; tinit ctl reaches that one`),
    );
    this.capture.listen((deliveries) => {
      for (const d of deliveries) this.onSignal(d.signo, d.senderPid);
    });
    this.capture.keepAlive(true);
    process.on('uncaughtException', (err) => this.log.fatal(`internal error (continuing): ${err.stack ?? err}`));
    this.say(Level.Info, `supervising ${this.specs.size} service${this.specs.size === 1 ? '' : 's'}`);
    this.reconsider();
  }

  // --- signals and reaping ---

  private onSignal(signo: number, senderPid: number): void {
    if (signo === SIGCHLD) {
      for (const exit of this.native.reap()) {
        const owner = this.owners.get(exit.pid);
        if (owner) {
          this.owners.delete(exit.pid);
          owner(exit);
        } else {
          this.say(Level.Debug, `Reaped zombie process with pid=${exit.pid}`);
        }
      }
      if (this.leftovers === 'waiting') this.maybeFinish();
      return;
    }
    if (signo === SIGTERM || signo === SIGINT) {
      if (this.phase === 'stopping') {
        this.say(Level.Warn, `second ${signalName(signo)}${senderPid > 0 ? ` (from pid ${senderPid})` : ''}: killing every service now`);
        this.killAll();
        return;
      }
      this.say(Level.Info, `${signalName(signo)}: stopping every service in order`);
      if (senderPid > 0) this.say(Level.Debug, `${signalName(signo)} came from pid ${senderPid}`);
      this.shutdown(null);
      return;
    }
    if (signo === SIGHUP) {
      this.reload();
      return;
    }
    for (const name of this.spec.forwardTo) {
      const pid = this.states.get(name)?.pid;
      if (pid) this.native.kill(-pid, signo);
    }
  }

  /** SIGHUP: re-read the config; restart what changed, start what is new, stop what is gone. */
  private reload(): void {
    if (this.phase !== 'running') return;
    let next: SupervisorSpec;
    try {
      next = this.reread();
    } catch (err) {
      this.say(Level.Warn, `SIGHUP: the config was not reloaded, nothing changed:\n${(err as Error).message}`);
      return;
    }
    const plan = planReload(this.specs, next);
    this.spec = next;
    const what = [
      plan.added.length ? `adding ${plan.added.map((s) => s.name).join(', ')}` : '',
      plan.changed.length ? `restarting ${plan.changed.map((s) => s.name).join(', ')}` : '',
      plan.removed.length ? `removing ${plan.removed.join(', ')}` : '',
    ].filter(Boolean);
    this.say(Level.Info, `SIGHUP: config reloaded; ${what.length ? what.join('; ') : 'no service changed'}`);
    for (const s of plan.added) this.add(s);
    for (const s of plan.changed) {
      const state = this.states.get(s.name) as ServiceState;
      if (state.pid !== null) {
        // The old process stops as the old definition says; the new one takes over at the spawn.
        this.pending.set(s.name, s);
        this.dispatch(s.name, { type: 'restart' });
      } else {
        this.specs.set(s.name, s);
        // Ended, failed or waiting to run again: run the new definition (a first start waits for
        // its dependencies as usual).
        if (state.lastExit !== null || state.phase === 'backoff' || state.phase === 'cooldown') this.dispatch(s.name, { type: 'restart' });
      }
    }
    for (const name of plan.removed) {
      this.leaving.add(name);
      this.dispatch(name, { type: 'stop' });
    }
    this.reconsider();
  }

  // --- the executor ---

  private dispatch(name: string, event: ServiceEvent): void {
    const spec = this.specs.get(name) as ServiceSpec;
    const t = transition(spec, this.states.get(name) as ServiceState, event, Math.random);
    this.states.set(name, t.state);
    for (const effect of t.effects) this.execute(name, effect);
    this.reconsider();
  }

  private execute(name: string, effect: ServiceEffect): void {
    const rt = this.runtime.get(name) as Runtime;
    const spec = this.specs.get(name) as ServiceSpec;
    switch (effect.type) {
      case 'spawn': {
        const next = this.pending.get(name);
        if (next) {
          this.pending.delete(name);
          this.specs.set(name, next);
        }
        this.spawn(next ?? spec);
        return;
      }
      case 'signal': {
        const pid = this.states.get(name)?.pid;
        if (pid) this.native.kill(-pid, effect.signo);
        return;
      }
      case 'timer': {
        rt.timers.get(effect.name)?.();
        const fire = () => this.dispatch(name, { type: 'timer', name: effect.name });
        // A zero backoff restarts in this turn of the loop: setTimeout(0) waits at least 1 ms.
        if (effect.ms <= 0) {
          const immediate = setImmediate(fire);
          rt.timers.set(effect.name, () => clearImmediate(immediate));
        } else {
          const timeout = setTimeout(fire, effect.ms);
          rt.timers.set(effect.name, () => clearTimeout(timeout));
        }
        return;
      }
      case 'cancel-timers':
        for (const cancel of rt.timers.values()) cancel();
        rt.timers.clear();
        return;
      case 'watch-readiness': {
        const r = spec.readiness;
        if (!r) return;
        const ready = () => this.dispatch(name, { type: 'ready' });
        rt.unwatch.push(watchReadiness(r.probe, r.intervalMs, r.timeoutMs, this.checkContext(spec), ready, () => this.dispatch(name, { type: 'not-ready', reason: `no readiness within ${r.timeoutMs} ms` })));
        if (r.probe.kind === 'log') {
          const pattern = r.probe.pattern;
          const watcher = (line: string) => {
            if (!pattern.test(line)) return;
            rt.logWatchers = rt.logWatchers.filter((w) => w !== watcher);
            ready();
          };
          rt.logWatchers.push(watcher);
          rt.unwatch.push(() => {
            rt.logWatchers = rt.logWatchers.filter((w) => w !== watcher);
          });
        }
        return;
      }
      case 'watch-health': {
        const h = spec.health;
        if (h) rt.unwatch.push(watchHealth(h.probe, h, this.checkContext(spec), (healthy) => this.dispatch(name, { type: 'health', healthy })));
        return;
      }
      case 'unwatch':
        for (const stop of rt.unwatch.splice(0)) stop();
        rt.logWatchers = [];
        return;
      case 'log':
        this.say(effect.level, `${name}: ${effect.message}`);
        return;
      case 'ended':
        this.onEnded(spec, effect.code, effect.ok, effect.shutdown);
        return;
    }
  }

  // --- spawning a service ---

  private notifySocket: string | null = null;

  /** The sd_notify socket, opened for the first service that asks for it. */
  private notifyAddress(): string {
    if (this.notifySocket === null) {
      // Abstract names are per network namespace, which pods share: make it unique.
      const unique = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
      this.notifySocket = this.native.startNotifySocket(`tinit-notify-${unique}`, (sender, text) => this.onNotify(sender, text));
    }
    return this.notifySocket;
  }

  /** READY=1 from a service's process or one of its group (a wrapper's child, say). */
  private onNotify(sender: number, text: string): void {
    if (!text.split('\n').includes('READY=1')) return;
    // A sender that is gone already is matched by its own pid.
    const group = readStat(sender)?.pgid ?? sender;
    for (const [name, state] of this.states) {
      if (state.pid !== null && (state.pid === sender || state.pid === group) && this.specs.get(name)?.readiness?.probe.kind === 'notify') {
        this.dispatch(name, { type: 'ready' });
      }
    }
  }

  private spawnSpec(spec: ServiceSpec, argv: string[], stdio: [number, number, number]): SpawnSpec {
    const extra: Array<[string, string]> = spec.readiness?.probe.kind === 'notify' ? [['NOTIFY_SOCKET', this.notifyAddress()]] : [];
    return serviceSpawnSpec(spec, argv, stdio, serviceEnvironment(this.boot.childEnvEntries, spec, extra), this.boot.nofileSoft);
  }

  private spawn(spec: ServiceSpec): void {
    const name = spec.name;
    const [outR, outW] = this.native.makePipe();
    const [errR, errW] = this.native.makePipe();
    // 1 MiB pipes: a chatty service fills them less often, and each wake-up reads more.
    for (const fd of [outW, errW]) this.native.setPipeCapacity(fd, LOG_PIPE_CAPACITY);
    const probe = spec.readiness?.probe;
    const notify = probe?.kind === 'fd' ? this.native.makePipe() : null;
    let pid: number;
    try {
      const s = this.spawnSpec(spec, spec.argv, [this.devNull, outW, errW]);
      if (notify && probe?.kind === 'fd') s.extraFds = [probe.fd, notify[1]];
      pid = this.native.spawn(s);
    } catch (err) {
      for (const fd of [outR, outW, errR, errW, ...(notify ?? [])]) fs.closeSync(fd);
      const message = isSystemError(err)
        ? `${err.syscall} ${err.path ?? spec.argv[0]}: ${systemErrorReason(err)}`
        : (err as Error).message;
      const code = isSystemError(err) && err.syscall === 'execve' ? execFailureCode(err.code) : 1;
      this.dispatch(name, { type: 'spawn-failed', message, code, at: Date.now() });
      return;
    }
    fs.closeSync(outW);
    fs.closeSync(errW);
    if (notify) this.watchNotificationFd(name, pid, notify);
    this.pipeLogs(name, outR, 'stdout');
    this.pipeLogs(name, errR, 'stderr');
    this.owners.set(pid, (exit) => this.dispatch(name, { type: 'exited', code: statusCode(exit.exitCode, exit.signal), signal: exit.signal, at: Date.now() }));
    this.dispatch(name, { type: 'spawned', pid, at: Date.now() });
  }

  private pipeLogs(name: string, fd: number, stream: Stream): void {
    const rt = this.runtime.get(name) as Runtime;
    const splitter = new LineSplitter();
    const colour = this.colours.get(name) as number;
    const emit = (lines: Buffer[]) => {
      if (lines.length === 0) return;
      writeLines(stream, formatLines(name, colour, stream, lines, this.format));
      if (rt.logWatchers.length > 0) for (const line of lines) for (const w of [...rt.logWatchers]) w(line.toString('utf8'));
    };
    rt.openStreams++;
    const socket = new net.Socket({ fd, readable: true, writable: false });
    const flush = () => {
      const last = splitter.end();
      if (last) emit([last]);
    };
    rt.flushers.add(flush);
    const prefix = textPrefix(name, colour, stream, this.format);
    socket.on('data', (chunk: Buffer) => {
      // Plain text that nobody watches line by line takes the fast path.
      if (this.format.format === 'text' && rt.logWatchers.length === 0) writeLines(stream, splitter.pushPrefixed(chunk, prefix));
      else emit(splitter.push(chunk));
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      rt.flushers.delete(flush);
      flush();
      rt.openStreams--;
      this.maybeFinish();
    });
  }

  /** s6's readiness protocol: a newline written on the notification fd means ready. */
  private watchNotificationFd(name: string, pid: number, [readFd, writeFd]: [number, number]): void {
    fs.closeSync(writeFd);
    const socket = new net.Socket({ fd: readFd, readable: true, writable: false });
    socket.on('data', (chunk: Buffer) => {
      if (!chunk.includes(10)) return;
      socket.destroy();
      const state = this.states.get(name);
      if (state?.pid === pid) this.dispatch(name, { type: 'ready' });
    });
    socket.on('error', () => socket.destroy());
  }

  private checkContext(spec: ServiceSpec): CheckContext {
    return {
      run: (argv, onExit) => {
        let pid = 0;
        try {
          pid = this.native.spawn(this.spawnSpec(spec, argv, [this.devNull, this.devNull, this.devNull]));
        } catch {
          setImmediate(() => onExit(127));
          return { cancel: () => undefined };
        }
        this.owners.set(pid, (exit) => onExit(statusCode(exit.exitCode, exit.signal)));
        return {
          cancel: () => {
            if (this.owners.delete(pid)) {
              this.native.kill(-pid, SIGKILL);
              this.owners.set(pid, () => undefined);
            }
          },
        };
      },
    };
  }

  // --- the container ---

  private onEnded(spec: ServiceSpec, code: number, ok: boolean, shutdown: boolean): void {
    if (!ok && this.firstFailure === null) this.firstFailure = code;
    if (spec.main) {
      this.say(Level.Info, `${spec.name} is the main service and ended with ${code}: stopping the rest`);
      this.shutdown(code);
    } else if (shutdown || spec.onExit === 'shutdown') {
      this.say(Level.Info, `${spec.name} ended with ${code}: stopping the container`);
      this.shutdown(code);
    }
  }

  /** After any change: start what may start, stop what may stop, finish when all is down. */
  private reconsider(): void {
    for (const name of this.leaving) {
      const state = this.states.get(name) as ServiceState;
      if (state.pid !== null || state.phase === 'stopping') continue;
      this.leaving.delete(name);
      this.specs.delete(name);
      this.states.delete(name);
    }
    if (this.phase === 'running') {
      for (const [name, dep] of blocked(this.specs, this.states)) {
        const d = this.states.get(dep) as ServiceState;
        const code = d.lastExit && !d.lastExit.ok ? d.lastExit.code : 1;
        this.say(Level.Warn, `${name} cannot start: ${dep} ended (code ${d.lastExit?.code ?? '-'}) without meeting its condition`);
        this.shutdown(code);
        return;
      }
      // Each dispatch may start others (a nested reconsider): ask afresh every time.
      for (let next = startable(this.specs, this.states)[0]; next !== undefined && this.phase === 'running'; next = startable(this.specs, this.states)[0]) {
        this.dispatch(next, { type: 'start' });
      }
    }
    if (this.phase === 'stopping') {
      for (const name of stoppable(this.specs, this.states)) this.dispatch(name, { type: 'stop' });
    }
    this.maybeFinish();
  }

  private deadline: NodeJS.Timeout | undefined;

  shutdown(code: number | null): void {
    if (this.phase !== 'running') return;
    this.phase = 'stopping';
    if (code !== null) this.exitCode = code;
    for (const name of this.specs.keys()) this.dispatch(name, { type: 'hold' });
    this.deadline = setTimeout(() => {
      this.say(Level.Warn, `not everything stopped within ${this.spec.stopTimeoutMs} ms: killing what is left`);
      this.killAll();
    }, this.spec.stopTimeoutMs);
    this.reconsider();
  }

  private killAll(): void {
    for (const s of this.states.values()) if (s.pid) this.native.kill(-s.pid, SIGKILL);
    if (process.pid === 1) this.native.kill(-1, SIGKILL);
  }

  private pipeWait: NodeJS.Timeout | undefined;

  /** Ends tinit once every service is down and its pipes have delivered their last lines
   * (called again by each pipe's close); a service's children may hold a pipe open, so that
   * wait is capped at half a second. */
  private leftovers: 'unchecked' | 'waiting' | 'done' = 'unchecked';

  private maybeFinish(): void {
    if (this.phase === 'done' || !allDown(this.states)) return;
    // Everything down because someone asked (tinit ctl stop): wait for a start, not an exit.
    if (this.phase === 'running' && [...this.held].some((name) => this.states.get(name)?.phase === 'stopped')) return;
    if (this.phase === 'running') this.phase = 'stopping'; // nothing left to run
    clearTimeout(this.deadline);
    // What the services left behind (background children, daemons) gets SIGTERM and a second,
    // then SIGKILL: when tinit is not PID 1 nobody else would ever stop them.
    if (this.leftovers === 'unchecked') {
      this.leftovers = 'done';
      if (signalDescendants(this.native, SIGTERM) > 0) {
        signalDescendants(this.native, SIGCONT);
        this.say(Level.Info, 'services are down; stopping what they left behind');
        this.leftovers = 'waiting';
        this.leftoverTimer = setTimeout(() => {
          signalDescendants(this.native, SIGKILL);
          this.leftovers = 'done';
          this.maybeFinish();
        }, LEFTOVER_GRACE_MS);
      }
    }
    if (this.leftovers === 'waiting') {
      if (this.native.childrenRemain()) return; // the next SIGCHLD looks again
      clearTimeout(this.leftoverTimer);
      this.leftovers = 'done';
    }
    const open = [...this.runtime.values()].some((r) => r.openStreams > 0);
    if (!open) {
      clearTimeout(this.pipeWait);
      this.finish();
    } else if (!this.pipeWait) {
      this.pipeWait = setTimeout(() => this.finish(), 500);
    }
  }

  private leftoverTimer: NodeJS.Timeout | undefined;

  private finish(): void {
    this.phase = 'done';
    // A service's children may still hold its pipes: what they hold without a newline is printed.
    for (const rt of this.runtime.values()) for (const flush of rt.flushers) flush();
    const main = [...this.specs.values()].find((s) => s.main);
    const mainExit = main ? this.states.get(main.name)?.lastExit : null;
    // The main service's (or the shutting-down service's) code, unless that is 0 and some
    // service failed: a failure is never hidden behind a 0.
    const primary = this.exitCode ?? mainExit?.code ?? null;
    const failure = this.firstFailure ?? [...this.states.values()].find((st) => st.lastExit && !st.lastExit.ok)?.lastExit?.code ?? null;
    const code = primary !== null && primary !== 0 ? primary : (failure ?? primary ?? 0);
    this.say(Level.Info, `all services are down; exiting with ${code}`);
    this.native.exitNow(code);
  }

  /** A line of tinit's own, in the log stream (as service "tinit"). */
  private say(level: Level, message: string): void {
    if (!this.log.enabled(level)) return;
    writeLines('stderr', formatLines('tinit', 90, 'stderr', [Buffer.from(message)], this.format));
  }
}
