// Constants the bundler (esbuild --define) sets. Tests run the sources directly, where they are
// undefined: read them as `typeof X !== 'undefined' && X`, which esbuild folds so that the
// branch not taken (and whatever it requires) leaves the bundle.

/** True in the single-file build (src/sea): the addon and licence are embedded assets. */
declare const TINIT_SINGLE_FILE: boolean | undefined;

/** The commit the build was made from (the single-file build records it), for --version. */
declare const TINIT_GIT_COMMIT: string | undefined;
