// Where things live: the repo, the ignored output folder, the cached code-server install.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';

let cachedRoot: string | undefined;

/** The repo root: $LSTM_LENS_ROOT, else the nearest folder above this file whose package.json is lstm-lens. */
export function repoRoot(): string {
  if (cachedRoot) return cachedRoot;
  if (process.env.LSTM_LENS_ROOT) return (cachedRoot = process.env.LSTM_LENS_ROOT);
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'lstm-lens') {
      return (cachedRoot = dir);
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`no lstm-lens package.json above ${__dirname}; set LSTM_LENS_ROOT`);
    dir = up;
  }
}

/** The ignored folder every run writes into (run folders, screenshots, results). */
export function outputRoot(): string {
  return join(repoRoot(), '.test-output');
}

export function screenshotsDir(): string {
  return join(outputRoot(), 'screenshots');
}

export function samplesDir(): string {
  return join(repoRoot(), 'samples');
}

/** The code-server entry point installed by scripts/install-code-server.sh (or $CODE_SERVER_ENTRY). */
export function codeServerEntry(): string {
  if (process.env.CODE_SERVER_ENTRY) return process.env.CODE_SERVER_ENTRY;
  const cache = process.env.LSTM_LENS_CACHE ?? join(repoRoot(), '.cache');
  const dest = join(cache, `code-server-${CODE_SERVER_VERSION}`);
  const entry = join(dest, 'package', 'out', 'node', 'entry.js');
  if (!existsSync(join(dest, '.installed')) || !existsSync(entry)) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed; run scripts/install-code-server.sh`);
  }
  return entry;
}

/** Debian's Chromium (or $CHROMIUM_PATH). */
export function chromiumPath(): string {
  const p = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(p))
    throw new Error(`no browser at ${p}; run scripts/install-debian-deps.sh (Debian package chromium)`);
  return p;
}

/** The packaged extension: $LSTM_LENS_VSIX, else lstm-lens-<version>.vsix at the repo root. */
export function vsixPath(): string {
  if (process.env.LSTM_LENS_VSIX) return process.env.LSTM_LENS_VSIX;
  const manifest = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8'));
  const p = join(repoRoot(), `${manifest.name}-${manifest.version}.vsix`);
  if (!existsSync(p)) throw new Error(`${p} is missing; run npm run package`);
  return p;
}

/** publisher.name of the extension, as VS Code identifies it. */
export function extensionId(): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8'));
  return `${manifest.publisher}.${manifest.name}`;
}
