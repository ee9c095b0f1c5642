import { describe, expect, it } from 'vitest';
import { identify } from '../../src/diag/identify';
import type { ProcInfo } from '../../src/diag/proc';

const proc = (argv: string[], comm = argv[0] ?? ''): ProcInfo => ({
  pid: 1, ppid: 0, pgid: 1, sid: 1, state: 'S', uid: 0, startTime: 0, comm, argv, threads: 1,
});

describe('identify', () => {
  it.each<[string[], string, string]>([
    [['/sbin/docker-init', '--', 'node', 'app.js'], 'init', 'tini (docker --init)'],
    [['tini', '-s', '--', 'x'], 'init', 'tini'],
    [['/usr/bin/dumb-init', '--', 'x'], 'init', 'dumb-init'],
    [['/run/podman-init', '--', 'x'], 'init', 'catatonit (podman --init)'],
    [['catatonit', '-P'], 'init', 'catatonit'],
    [['node', '--no-warnings', '/usr/lib/node_modules/tinit/bin/tinit', '--', 'x'], 'init', 'tinit'],
    [['node', '/usr/local/bin/pm2-runtime', 'app.js'], 'supervisor', 'pm2-runtime'],
    [['/usr/bin/python3', '/usr/bin/supervisord', '-n'], 'supervisor', 'supervisord'],
    [['s6-svscan', '/run/service'], 'init', 's6-svscan'],
    [['/bin/sh', '-c', 'node app.js'], 'shell', 'sh'],
    [['bash', 'start.sh'], 'shell', 'bash'],
    [['node', 'server.js'], 'app', 'node'],
    [['python3.11', 'app.py'], 'app', 'python3.11'],
    [['/usr/sbin/nginx', '-g', 'daemon off;'], 'app', 'nginx'],
  ])('%j is %s (%s)', (argv, kind, name) => {
    expect(identify(proc(argv))).toEqual({ kind, name });
  });

  it("tells tinit's single file as docker-init from tini by its threads", () => {
    expect(identify({ ...proc(['/sbin/docker-init', '--', 'x']), threads: 7 })).toEqual({ kind: 'init', name: 'tinit (docker --init)' });
  });

  it('falls back to the command name when there is no command line (a zombie)', () => {
    expect(identify(proc([], 'tini'))).toEqual({ kind: 'init', name: 'tini' });
  });
});
