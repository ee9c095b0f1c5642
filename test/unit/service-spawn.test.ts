import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { supervisorSpec } from '../../src/supervisor/model';
import { serviceEnvironment, serviceSpawnSpec } from '../../src/supervisor/service-spawn';
import type { ServiceConfig } from '../../src/config/schema';

const rt = { min: 34, max: 64 };
const specOf = (s: ServiceConfig, env: Record<string, string> = {}) => supervisorSpec({ services: { a: s } }, rt, env).services[0]!;
const base = ['PATH=/usr/bin:/bin', 'KEEP=1', 'OVER=old', 'a.b=odd'].map((e) => Buffer.from(e));
const text = (entries: Buffer[]) => entries.map(String);

describe('serviceEnvironment', () => {
  it('keeps tinit’s entries, replaces same-named ones, env_file first then environment', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tinit-env-')), 'a.env');
    fs.writeFileSync(file, 'OVER=from-file\nFILE_ONLY=f\n');
    const env = serviceEnvironment(base, specOf({ command: 'x', env_file: file, environment: { OVER: 'from-config', NEW: '1' } }));
    expect(text(env)).toEqual(['PATH=/usr/bin:/bin', 'KEEP=1', 'a.b=odd', 'OVER=from-config', 'FILE_ONLY=f', 'NEW=1']);
  });

  it('takes a bare name from tinit’s environment, or leaves it unset', () => {
    const spec = specOf({ command: 'x', environment: ['FROM_TINIT', 'MISSING', 'SET=1'] }, { FROM_TINIT: 'inherited' });
    expect(text(serviceEnvironment([], spec))).toEqual(['FROM_TINIT=inherited', 'SET=1']);
  });

  it('adds what tinit provides (NOTIFY_SOCKET)', () => {
    expect(text(serviceEnvironment([], specOf({ command: 'x' }), [['NOTIFY_SOCKET', '@n']]))).toEqual(['NOTIFY_SOCKET=@n']);
  });
});

describe('serviceSpawnSpec', () => {
  it('runs a string command through /bin/sh, in its own group, with the service’s PATH', () => {
    const s = serviceSpawnSpec(specOf({ command: 'echo hi', working_dir: '/tmp', umask: '027' }), ['/bin/sh', '-c', 'echo hi'], [0, 1, 2], base, 1024);
    expect(s).toMatchObject({ file: '/bin/sh', candidates: ['/bin/sh'], newProcessGroup: true, cwd: '/tmp', umask: 0o27, nofileSoft: 1024 });
    const l = serviceSpawnSpec(specOf({ command: ['node', 'x.js'] }), ['node', 'x.js'], [0, 1, 2], base, null);
    expect(l.candidates).toEqual(['/usr/bin/node', '/bin/node']);
  });

  it('drops supplementary groups when switching user', () => {
    const s = serviceSpawnSpec(specOf({ command: 'x', user: 'nobody' }), ['x'], [0, 1, 2], base, null);
    expect(s).toMatchObject({ uid: 65534, gid: 65534, groups: [65534] });
  });
});
