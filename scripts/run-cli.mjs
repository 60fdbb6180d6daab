// Runs one of the engine's command-line tools (bench, insight, lab): builds first if out/cli/NAME.js is missing or
// older than the engine's sources. Usage: node scripts/run-cli.mjs NAME [args…]  (npm run bench|insight|lab -- …)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [name, ...args] = process.argv.slice(2);
if (!/^[a-z]+$/.test(name ?? '')) {
  console.error('usage: node scripts/run-cli.mjs NAME [args…]');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'out/cli', `${name}.js`);
const newest = (dir) =>
  readdirSync(join(root, dir), { recursive: true })
    .map((f) => statSync(join(root, dir, f)).mtimeMs)
    .reduce((a, b) => Math.max(a, b), 0);
const stale = !existsSync(out) || ['src/model', 'src/cli', 'src/shared'].some((d) => newest(d) > statSync(out).mtimeMs);
if (stale) {
  const b = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--no-tests'], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
if (!existsSync(out)) {
  console.error(`no tool named ${name} (out/cli/${name}.js)`);
  process.exit(2);
}
const r = spawnSync(process.execPath, [out, ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
