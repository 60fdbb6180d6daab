// npm run lab -- FILE [--seconds 60]: builds if out/cli/lab.js is missing or older than the engine, then runs it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'out/cli/lab.js');
const newest = (dir) =>
  readdirSync(join(root, dir), { recursive: true })
    .map((f) => statSync(join(root, dir, f)).mtimeMs)
    .reduce((a, b) => Math.max(a, b), 0);
const stale = !existsSync(out) || ['src/model', 'src/cli', 'src/shared'].some((d) => newest(d) > statSync(out).mtimeMs);
if (stale) {
  const b = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--no-tests'], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
