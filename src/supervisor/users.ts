// user[:group] to ids, from /etc/passwd and /etc/group (names or numbers). Resolved in the
// parent: getpwnam(3) is not safe between fork and exec.
import fs = require('fs');

export interface Credentials {
  uid: number;
  gid: number;
}

function table(file: string): string[][] {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(':'));
  } catch {
    return [];
  }
}

/** Throws an Error naming what is unknown. */
export function resolveCredentials(user: string, group: string | null): Credentials {
  const passwd = table('/etc/passwd');
  const entry = /^\d+$/.test(user) ? passwd.find((f) => f[2] === user) : passwd.find((f) => f[0] === user);
  if (!entry && !/^\d+$/.test(user)) throw new Error(`no user named ${user} in /etc/passwd`);
  const uid = entry ? Number(entry[2]) : Number(user);
  let gid = entry ? Number(entry[3]) : uid;
  if (group !== null) {
    const g = /^\d+$/.test(group) ? undefined : table('/etc/group').find((f) => f[0] === group);
    if (!g && !/^\d+$/.test(group)) throw new Error(`no group named ${group} in /etc/group`);
    gid = g ? Number(g[2]) : Number(group);
  }
  return { uid, gid };
}
