// The only importer of the .node file: finds whichever build produced it and types its surface.
import fs = require('fs');
import path = require('path');

/** How a reaped child ended, with its resource usage (wait4(2)). */
export interface ChildExit {
  pid: number;
  /** Exit status when the child exited, else null. */
  exitCode: number | null;
  /** Terminating signal number when the child was killed, else null. */
  signal: number | null;
  core: boolean;
  rusage: { userMs: number; systemMs: number; maxRssKb: number };
}

/** Text for the kernel: a string (sent as UTF-8) or a Buffer (raw bytes, passed unchanged). */
export type Bytes = string | Buffer;

export interface SpawnSpec {
  /** The program as the user named it (error messages). */
  file: Bytes;
  /** Paths to execve in turn, as execvp(3) would try them. */
  candidates: Bytes[];
  argv: Bytes[];
  /** NAME=value entries, passed as they are. */
  envp: Bytes[];
  cwd?: Bytes;
  /** The fds that become the child's 0, 1 and 2. */
  stdio?: [number, number, number];
  /** [target, source, ...]: source appears in the child as fd target (>= 3). */
  extraFds?: number[];
  /** Inherited fds >= 3 that the child keeps; every other fd >= 3 is closed. */
  keepFds?: number[];
  newProcessGroup?: boolean;
  /** setsid(2) instead of a new group, and take stdin's terminal (dumb-init's mode). */
  newSession?: boolean;
  /** Make the child's group the foreground group of the terminal on fd 0. */
  foreground?: boolean;
  /** RLIMIT_NOFILE soft limit for the child; -1 for unlimited. */
  nofileSoft?: number;
  umask?: number;
  /** Supplementary groups (empty drops them all). */
  groups?: number[];
  gid?: number;
  uid?: number;
  pdeathsig?: number;
}

export interface NativeBinding {
  setChildSubreaper(on?: boolean): void;
  isChildSubreaper(): boolean;
  setParentDeathSignal(signo: number): void;
  getParentDeathSignal(): number;
  /** kill(2); false when the target no longer exists (ESRCH). */
  kill(pid: number, signo: number): boolean;
  setForegroundGroup(fd: number, pgid: number): void;
  getForegroundGroup(fd: number): number;
  getProcessGroup(pid?: number): number;
  getSessionId(pid?: number): number;
  /** ioctl(TIOCNOTTY); false when fd is not this process's controlling terminal. */
  releaseTerminal(fd?: number): boolean;
  /** fork + exec; returns the pid, or throws an errno error naming the failed step. */
  spawn(spec: SpawnSpec): number;
  /** execve(2) after making fds 0-2 inheritable; returns only by throwing. */
  execve(file: Bytes, argv: Bytes[], envp: Bytes[]): never;
  /** F_SETPIPE_SZ: the capacity now in force, or 0 when fd is no pipe or the kernel refused. */
  setPipeCapacity(fd: number, bytes: number): number;
  /** pipe2(O_CLOEXEC): [readFd, writeFd]. */
  makePipe(): [number, number];
  /** Drains wait4(-1, WNOHANG) until nothing is left to collect. */
  reap(): ChildExit[];
  /** Whether any child (running or zombie) is left; false once every descendant is gone. */
  childrenRemain(): boolean;
  /** waitpid(pid) blocking, for a child just killed. */
  reapPid(pid: number): void;
  /** _exit(2): no exit handlers (Node's would reset the terminal to its start-up settings). */
  exitNow(code: number): never;
  /** Records arrive as [signo, senderPid, signo, senderPid, ...] on the JS thread. */
  startSignalCapture(onSignals: (records: Int32Array) => void): void;
  setSignalCaptureRef(ref: boolean): void;
  catchSignals(signos: number[]): void;
  setSignalDisposition(signos: number[], how: 'ignore' | 'default'): void;
  /** Makes `count` orphans that all exit at once (the first `lingerMs` later); their pids. */
  makeOrphans(count: number, lingerMs?: number): number[];
  /** Makes `count` zombies under a holder that never waits and lives `seconds`. */
  holdZombies(count: number, seconds: number): { holder: number; zombies: number[] };
  /** Binds the sd_notify socket (abstract namespace); returns the NOTIFY_SOCKET value. */
  startNotifySocket(name: string, onMessage: (senderPid: number, text: string) => void): string;
  /** sysconf(_SC_CLK_TCK): the unit of /proc/<pid>/stat times. */
  clockTicks(): number;
  readonly SIGRTMIN: number;
  readonly SIGRTMAX: number;
}

/** An error from a system call, as Node shapes them. */
export interface SystemError extends Error {
  code: string;
  errno: number;
  syscall: string;
  path?: string;
}

export function isSystemError(err: unknown): err is SystemError {
  return err instanceof Error && typeof (err as SystemError).code === 'string' && typeof (err as SystemError).syscall === 'string';
}

/** The strerror(3) text of a native error ("No such file or directory"). */
export function systemErrorReason(err: SystemError): string {
  const match = /^[A-Z0-9_]+: (.*?), [a-z_0-9]+( '.*')?$/s.exec(err.message);
  return match ? (match[1] as string) : err.message;
}

/** The package root: the nearest directory up from here that holds binding.gyp (this file
 * runs from src/native under the tests, and from the dist/tinit.js bundle otherwise). */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'binding.gyp'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..', '..');
  }
}

export const packageRoot = findPackageRoot(__dirname);
const root = packageRoot;

/** Where each build puts the addon: node-gyp (npm install), cmake-js (npm run build:cmake). */
export const addonCandidates = [
  path.join(root, 'build', 'Release', 'tinit.node'),
  path.join(root, 'native', 'build', 'Release', 'tinit.node'),
  path.join(root, 'build', 'Debug', 'tinit.node'),
  // The package's own, when install.mjs found it loads here (npm pack puts it there).
  path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'tinit.node'),
];

let loaded: NativeBinding | undefined;

export function loadNative(): NativeBinding {
  if (loaded) return loaded;
  if (typeof TINIT_SINGLE_FILE !== 'undefined' && TINIT_SINGLE_FILE) {
    // The single file carries the addon as an asset (src/sea/embedded-addon.ts).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = (require('../sea/embedded-addon') as typeof import('../sea/embedded-addon')).loadEmbeddedAddon() as NativeBinding;
    return loaded;
  }
  const found = addonCandidates.find((candidate) => fs.existsSync(candidate));
  if (!found) {
    throw new Error(`native addon not built; looked for ${addonCandidates.join(', ')} (run npm install; npm 11 runs install scripts only with --allow-scripts=tinit)`);
  }
  loaded = require(found) as NativeBinding;
  return loaded;
}
