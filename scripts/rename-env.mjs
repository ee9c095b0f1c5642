// Renames, inside a copy of the node binary, the environment variable names that Node's C++
// (and libuv, OpenSSL) read at start-up, before any JavaScript runs: each NUL-terminated C string
// "NODE_OPTIONS" becomes "=ODE_OPTIONS", same length. No environment can hold a variable of that
// name: an entry's name ends at its first '=' (environ(7)); shells, docker -e, compose and
// Kubernetes all refuse an empty name. (A lower-case spelling would not do: `node_options` is a
// name anyone can set, and it would drive PID 1 as NODE_OPTIONS would.) The single file then
// ignores the container's NODE_OPTIONS (which, read by Node, can stop PID 1 from starting:
// "--inspect is not allowed in NODE_OPTIONS", a --require that fails), while tinit still hands
// the variable on to children unchanged. Node 20 has no switch for this (execArgvExtension
// "none" came in later releases, nodejs/node#59560).
//
// Only C string literals are touched: a match must have a NUL on both sides and must not be a
// string of V8's start-up snapshot, which stores its 32-bit length just before the characters
// (renaming those would break the hash V8 keeps with them).

/** Read at start-up by native code; NODE_OPTIONS and NODE_EXTRA_CA_CERTS must be found. */
export const NATIVE_READ_VARIABLES = [
  'NODE_OPTIONS',
  'NODE_EXTRA_CA_CERTS',
  'NODE_ICU_DATA',
  'NODE_DEBUG_NATIVE',
  'NODE_REDIRECT_WARNINGS',
  'NODE_PENDING_DEPRECATION',
  'NODE_PRESERVE_SYMLINKS',
  'NODE_PRESERVE_SYMLINKS_MAIN',
  'UV_THREADPOOL_SIZE',
  'UV_USE_IO_URING',
  'OPENSSL_CONF',
  'OPENSSL_ENGINES',
  'OPENSSL_MODULES',
];
export const REQUIRED = ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS'];

/**
 * Renames in place; returns how many C strings of each name were renamed.
 * @param {Buffer} binary
 * @param {string[]} names
 * @returns {Record<string, number>}
 */
export function renameEnvironmentNames(binary, names = NATIVE_READ_VARIABLES) {
  /** @type {Record<string, number>} */
  const counts = {};
  for (const name of names) {
    const needle = Buffer.from(`\0${name}\0`, 'latin1');
    const replacement = Buffer.from(`=${name.slice(1)}`, 'latin1');
    counts[name] = 0;
    for (let at = binary.indexOf(needle); at !== -1; at = binary.indexOf(needle, at + 1)) {
      const start = at + 1;
      if (start >= 4 && binary.readUInt32LE(start - 4) === name.length) continue; // a snapshot string
      replacement.copy(binary, start);
      counts[name] += 1;
    }
  }
  return counts;
}
