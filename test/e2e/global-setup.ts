// Starts a private dockerd for the end-to-end tests, builds the images they use, and stops the
// engine after the run. The machine needs no registry: the base image is made offline from this
// machine's own node (with the libraries ldd lists), npm, and a static busybox.
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { APP_IMAGE, BASE_IMAGE, BASE_TREE, docker, ROOT, run, SINGLE_FILE, SOCKET, STATE, WEB_MONITOR_IMAGE } from './engine';

let dockerd: ChildProcess | undefined;

function need(condition: boolean, what: string): void {
  if (!condition) throw new Error(`e2e: ${what}`);
}

function which(command: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Copies a file into the image tree at the same path (or at `as`), following symlinks. */
function place(tree: string, file: string, as = file): void {
  const target = path.join(tree, as);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(fs.realpathSync(file), target);
  fs.chmodSync(target, fs.statSync(fs.realpathSync(file)).mode & 0o7777);
}

/** The shared libraries ldd names for a binary, loader included. */
function libraries(binary: string): string[] {
  const out = spawnSync('ldd', [binary], { encoding: 'utf8' }).stdout;
  return [...out.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1] as string);
}

function buildBaseTree(tree: string): void {
  const node = fs.realpathSync(process.execPath);
  place(tree, node, 'usr/local/bin/node');
  for (const lib of libraries(node)) place(tree, lib);
  const busybox = which('busybox') as string;
  place(tree, busybox, 'bin/busybox');
  for (const lib of libraries(busybox)) place(tree, lib);
  for (const applet of spawnSync(busybox, ['--list-full'], { encoding: 'utf8' }).stdout.split('\n')) {
    if (!applet || applet === 'bin/busybox' || fs.existsSync(path.join(tree, applet))) continue;
    fs.mkdirSync(path.dirname(path.join(tree, applet)), { recursive: true });
    fs.symlinkSync('/bin/busybox', path.join(tree, applet));
  }
  // npm, as node images have it, so the Dockerfiles install tinit from its package.
  const npmRoot = path.resolve(fs.realpathSync(which('npm') as string), '..', '..');
  fs.cpSync(npmRoot, path.join(tree, 'usr/local/lib/node_modules/npm'), { recursive: true });
  fs.symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(tree, 'usr/local/bin/npm'));
  fs.mkdirSync(path.join(tree, 'etc'), { recursive: true });
  fs.writeFileSync(path.join(tree, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/home/node:/bin/sh\n');
  fs.writeFileSync(path.join(tree, 'etc/group'), 'root:x:0:\nnode:x:1000:\n');
  for (const dir of ['root', 'home/node', 'tmp', 'app']) fs.mkdirSync(path.join(tree, dir), { recursive: true });
  fs.chmodSync(path.join(tree, 'tmp'), 0o1777);
  fs.chownSync(path.join(tree, 'home/node'), 1000, 1000);
}

async function startEngine(): Promise<void> {
  const log = fs.openSync(path.join(STATE, 'dockerd.log'), 'a');
  dockerd = spawn(
    'dockerd',
    [
      `--data-root=${path.join(STATE, 'data')}`,
      `--exec-root=${path.join(STATE, 'exec')}`,
      `--pidfile=${path.join(STATE, 'dockerd.pid')}`,
      `--host=unix://${SOCKET}`,
      '--iptables=false',
      '--bridge=none',
      '--storage-driver=vfs',
      `--init-path=${SINGLE_FILE}`,
    ],
    { stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (dockerd.exitCode !== null) throw new Error(`e2e: dockerd exited ${dockerd.exitCode}; see ${STATE}/dockerd.log`);
    if ((await docker(['version'], { timeoutMs: 10_000 }).catch(() => null))?.code === 0) return;
    if (Date.now() > deadline) throw new Error(`e2e: dockerd did not answer within 60 s; see ${STATE}/dockerd.log`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function build(args: string[]): Promise<void> {
  const r = await docker(['build', '--network', 'none', '-q', ...args], { timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`e2e: docker build ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
}

export async function setup(): Promise<void> {
  need(which('dockerd') !== null && which('docker') !== null, 'dockerd is not installed (apt-get install -y docker.io)');
  need(which('busybox') !== null, 'busybox is not installed (apt-get install -y busybox-static)');
  need(fs.existsSync(SINGLE_FILE), `${path.relative(ROOT, SINGLE_FILE)} is missing (npm run build:sea; npm run test:e2e does it)`);
  fs.rmSync(STATE, { recursive: true, force: true });
  fs.mkdirSync(STATE, { recursive: true });
  await startEngine();

  const tree = BASE_TREE;
  buildBaseTree(tree);
  const imported = await run('sh', ['-c', `tar -C '${tree}' -c . | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - ${BASE_IMAGE}`], { timeoutMs: 300_000 });
  need(imported.code === 0, `docker import failed: ${imported.stderr}`);
  // The tree stays (podman.test.ts imports it too); the teardown removes STATE whole.

  // tinit as users get it: the tarball npm pack makes (with the prebuilt addon).
  const packDir = path.join(STATE, 'pack');
  fs.mkdirSync(packDir);
  const packed = await run('npm', ['pack', '--silent', '--pack-destination', packDir], { cwd: ROOT, timeoutMs: 120_000 });
  need(packed.code === 0, `npm pack failed: ${packed.stderr}`);
  const tarball = packed.stdout.trim().split('\n').pop() as string;

  // The two examples, built from their own Dockerfiles with the tarball in the context.
  const contexts = path.join(STATE, 'contexts');
  fs.cpSync(path.join(ROOT, 'examples'), contexts, { recursive: true });
  for (const dir of [contexts, path.join(contexts, 'docker')]) fs.copyFileSync(path.join(packDir, tarball), path.join(dir, tarball));
  const args = ['--build-arg', `NODE_IMAGE=${BASE_IMAGE}`];
  await build([...args, '--build-arg', `TINIT=./${tarball}`, '-t', APP_IMAGE, path.join(contexts, 'docker')]);
  await build([...args, '--build-arg', `TINIT=./${tarball}`, '-t', WEB_MONITOR_IMAGE, '-f', path.join(contexts, 'web-monitor', 'Dockerfile'), contexts]);
  fs.writeFileSync(path.join(STATE, 'tarball'), tarball);
}

export async function teardown(): Promise<void> {
  if (dockerd && dockerd.exitCode === null) {
    const exited = new Promise((r) => dockerd?.once('exit', r));
    dockerd.kill('SIGTERM');
    const timer = setTimeout(() => dockerd?.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
  // What dockerd mounted under its roots goes with it; then the images' copies (vfs) go too.
  spawnSync('sh', ['-c', `grep -o ' ${STATE}[^ ]*' /proc/self/mounts | sort -r | xargs -r umount -l`]);
  if (!process.env.TINIT_E2E_KEEP) fs.rmSync(STATE, { recursive: true, force: true });
}
