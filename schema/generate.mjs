// Writes schema/tinit.schema.json from src/config/schema.ts (npm run schema); a unit test
// fails when the committed file and the schema tinit validates with disagree.
import { buildSync } from 'esbuild';
import { writeFileSync, mkdtempSync } from 'fs';
import { createRequire } from 'module';
import { tmpdir } from 'os';
import { join } from 'path';

const out = join(mkdtempSync(join(tmpdir(), 'tinit-schema-')), 'schema.cjs');
buildSync({ entryPoints: ['src/config/schema.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'warning' });
const { Config } = createRequire(import.meta.url)(out);
const published = { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'tinit supervisor config', ...JSON.parse(JSON.stringify(Config)) };
writeFileSync('schema/tinit.schema.json', `${JSON.stringify(published, null, 2)}\n`);
