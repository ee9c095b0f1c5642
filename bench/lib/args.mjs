// Command line of bench/run.mjs.
export const USAGE = `usage: node bench/run.mjs [--quick] [--only FIGURE[,FIGURE]] [--json | --markdown] [--from FILE] [--list]

  --quick      few repetitions and small sizes: a smoke run in under a minute
  --only F,..  run only these figures (see --list)
  --json       print the results as JSON on stdout (progress goes to stderr)
  --markdown   print a markdown table suitable for README.md
  --from FILE  render a saved --json result (as text, or with --markdown) without measuring
  --list       list the figures and exit`;

/** @returns {{quick:boolean, only:string[]|null, format:'text'|'json'|'markdown', list:boolean, help:boolean, from:string|null}} */
export function parseArgs(argv) {
  const o = { quick: false, only: null, format: 'text', list: false, help: false, from: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--json') o.format = 'json';
    else if (a === '--markdown' || a === '--md') o.format = 'markdown';
    else if (a === '--list') o.list = true;
    else if (a === '--from') { o.from = argv[++i]; if (!o.from) throw new Error('--from needs a file'); }
    else if (a === '-h' || a === '--help') o.help = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a === '--only' ? argv[++i] : a.slice(7);
      if (!v) throw new Error('--only needs a figure name');
      o.only = v.split(',').map((s) => s.trim()).filter(Boolean);
    } else throw new Error(`unknown argument: ${a}`);
  }
  return o;
}
