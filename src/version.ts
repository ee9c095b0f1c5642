// tinit's version, and the --version line dockerd can parse.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const VERSION: string = (require('../package.json') as { version: string }).version;

/**
 * dockerd's `docker info` runs `<init> --version` and expects "tini version X[ - git.Y]"
 * (moby parseInitVersion); catatonit answers "tini version 0.1.7_catatonit" for the same
 * reason. tinit names itself in the version field.
 */
export const VERSION_LINE = `tini version ${VERSION}_tinit${gitSuffix()}`;

/** " - git.<commit>" when the build recorded one (the single file does): docker info shows it
 * as "init version", as it does for tini's own builds. */
function gitSuffix(): string {
  const commit = typeof TINIT_GIT_COMMIT !== 'undefined' ? TINIT_GIT_COMMIT : '';
  return /^[0-9a-f]{7,40}$/.test(commit) ? ` - git.${commit}` : '';
}
