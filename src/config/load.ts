// Reads a config file (YAML, or JSON, which YAML includes) and validates it; every problem is
// reported against the file, with the line where YAML can say it.
import fs = require('fs');
import { LineCounter, parseDocument } from 'yaml';
import type { ConfigFile } from './schema';
import { validateConfig, type ConfigProblem } from './validate';

export const DEFAULT_CONFIG = 'tinit.yaml';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(problems.map((p) => `${file}${p.line ? `:${p.line}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'));
  }
}

export function loadConfig(file: string): ConfigFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [{ path: '', message: code === 'ENOENT' ? 'no such file (give one with -f, or set TINIT_CONFIG)' : `cannot be read (${code})` }]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter, merge: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ path: '', line: e.linePos?.[0]?.line, message: `${e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}` })),
    );
  }
  const { config, problems } = validateConfig(doc.toJS());
  if (!config) {
    // Point at the line of each key where the document has one.
    // Point at the line of each key, or of the nearest enclosing one the document has.
    const located = problems.map((p) => {
      for (let keys = p.path ? p.path.split('.') : []; keys.length > 0; keys = keys.slice(0, -1)) {
        const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return { ...p, line: lineCounter.linePos(node.range[0]).line };
      }
      return p;
    });
    throw new ConfigError(file, located);
  }
  return config;
}
