// The Docker engine the end-to-end tests run against: a private dockerd (its own data root,
// exec root and socket under STATE), started by global-setup.ts and stopped after the run.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
/** A directory of this run's own, so that runs side by side do not meet: made when the main
 * process loads this file (global setup), and handed to the test workers in the environment. */
export const STATE = process.env.TINIT_E2E_STATE ?? (process.env.TINIT_E2E_STATE = fs.mkdtempSync('/tmp/tinit-e2e-'));
export const SOCKET = path.join(STATE, 'docker.sock');
/** The single file, dockerd's --init-path: `docker run --init` runs it as /sbin/docker-init. */
export const SINGLE_FILE = path.join(ROOT, 'dist-sea', 'tinit');

/** The base image's file tree, for engines other than dockerd. */
export const BASE_TREE = path.join(STATE, 'base-tree');

/** Images the setup builds. */
export const BASE_IMAGE = 'tinit-e2e/base';
export const APP_IMAGE = 'tinit-e2e/app';
export const WEB_MONITOR_IMAGE = 'tinit-e2e/web-monitor';

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the docker client against the private engine, bounded in time. */
export function docker(args: string[], options: { input?: Buffer | string; timeoutMs?: number } = {}): Promise<Result> {
  return run('docker', args, options);
}

export function run(file: string, args: string[], options: { input?: Buffer | string; timeoutMs?: number; cwd?: string } = {}): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: { ...process.env, DOCKER_HOST: `unix://${SOCKET}` },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} ${args.join(' ')}: no end after ${options.timeoutMs ?? 60_000} ms\n${stdout}${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Removes a container whatever its state (afterEach). */
export async function removeContainer(name: string): Promise<void> {
  await docker(['rm', '-f', name]).catch(() => undefined);
}
