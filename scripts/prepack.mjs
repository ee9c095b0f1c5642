// npm pack / npm publish: put the addon built here into prebuilds/<platform>-<arch>/, where
// scripts/install.mjs and the loader (src/native/binding.ts) look for it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'build', 'Release', 'tinit.node');
if (!fs.existsSync(built)) {
  process.stderr.write('prepack: build/Release/tinit.node is missing (npm install builds it)\n');
  process.exit(1);
}
const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
fs.rmSync(path.join(root, 'prebuilds'), { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
fs.copyFileSync(built, path.join(dir, 'tinit.node'));
