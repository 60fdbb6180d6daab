// `npm run package`: production build, then `vsce package --no-dependencies` into lstm-lens-<version>.vsix.
// Fails on any vsce warning, and on any file in the vsix outside the allow-list below.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = join(root, `${manifest.name}-${manifest.version}.vsix`);

function fail(message) {
  console.error(`[package] ${message}`);
  process.exit(1);
}

function step(command, args) {
  const r = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  process.stdout.write(output);
  if (r.error) fail(`${command} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) fail(`${command} ${args.join(' ')} exited ${r.status}`);
  return output;
}

for (const f of ['README.md', 'LICENSE', 'CHANGELOG.md', manifest.icon ?? 'media/icon.png']) {
  if (!existsSync(join(root, f))) fail(`${f} is missing (vsce needs it)`);
}

step(process.execPath, [join(root, 'scripts/build.mjs'), '--production', '--no-tests']);

rmSync(vsix, { force: true });
const vsceOut = step(process.execPath, [
  join(root, 'node_modules/@vscode/vsce/vsce'),
  'package',
  '--no-dependencies',
  '--out',
  vsix,
]);
const warnings = vsceOut.split('\n').filter((l) => /\bWARNING\b|^\s*warn(ing)?\b/i.test(l));
if (warnings.length > 0) fail(`vsce printed ${warnings.length} warning(s):\n${warnings.join('\n')}`);
if (!existsSync(vsix)) fail(`vsce did not write ${vsix}`);

/** Names of the entries in a zip file, read from its central directory. */
function zipEntries(file) {
  const buf = readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) fail(`${file}: bad central directory`);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLen), size });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

// The allow-list: what the vsix may hold (paths inside it, under extension/).
const allowed = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/dist\/(?!.*\.map$).+$/,
  /^extension\/media\/.+$/,
  /^extension\/package\.json$/,
  /^extension\/package\.nls(\.[\w-]+)?\.json$/,
  /^extension\/l10n\/.+$/,
  /^extension\/readme\.md$/i,
  /^extension\/changelog\.md$/i,
  /^extension\/license(\.txt)?$/i,
];
// What it must hold.
const required = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/worker.js',
  'extension/dist/gradWorker.js',
  'extension/dist/webview.js',
  // VS Code for the Web (package.json "browser") and its classic-script trainer.
  'extension/dist/web/extension.js',
  'extension/dist/web/worker.js',
  'extension/dist/tfjs-backend-wasm-simd.wasm',
  'extension/dist/tfjs-backend-wasm.wasm',
  `extension/${manifest.icon ?? 'media/icon.png'}`,
];
const requiredPatterns = [/^extension\/readme\.md$/i, /^extension\/changelog\.md$/i, /^extension\/license(\.txt)?$/i];

const entries = zipEntries(vsix);
const names = entries.map((e) => e.name);
const stray = names.filter((n) => !allowed.some((re) => re.test(n)));
const absent = [
  ...required.filter((r) => !names.includes(r)),
  ...requiredPatterns.filter((re) => !names.some((n) => re.test(n))).map(String),
];

console.log(
  `\n[package] ${vsix.slice(root.length + 1)}: ${(statSync(vsix).size / 1024).toFixed(1)} KiB, ${names.length} entries`,
);
for (const e of entries) console.log(`  ${String(e.size).padStart(9)}  ${e.name}`);
if (stray.length > 0) fail(`files outside the allow-list (fix .vscodeignore):\n  ${stray.join('\n  ')}`);
if (absent.length > 0) fail(`missing from the vsix:\n  ${absent.join('\n  ')}`);
console.log('[package] ok: no vsce warnings, file list matches the allow-list');
