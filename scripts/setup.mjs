// Set-up shared by `npm test` and `npm start`: everything a fresh clone needs before building.
//  - npm ci when node_modules is missing or does not match package-lock.json
//  - Debian packages (scripts/install-debian-deps.sh) when something is missing and we are root
//  - code-server (scripts/install-code-server.sh; cached in .cache/)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Why node_modules needs `npm ci`, or undefined when it matches package-lock.json. */
export function nodeModulesStale() {
  if (!existsSync(join(root, 'node_modules'))) return 'node_modules is missing';
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  for (const [key, entry] of Object.entries(lock.packages ?? {})) {
    if (!key.startsWith('node_modules/') || entry.link) continue;
    const manifest = join(root, key, 'package.json');
    if (!existsSync(manifest)) {
      if (entry.optional) continue;
      return `${key} is missing`;
    }
    const version = JSON.parse(readFileSync(manifest, 'utf8')).version;
    if (entry.version && version !== entry.version) return `${key} is ${version}, lock says ${entry.version}`;
  }
  return undefined;
}

/** Debian packages that are missing (only what the rig needs). */
export function missingDebianDeps({ forInstall }) {
  const missing = [];
  const onPath = (bin) => (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, bin)));
  if (!onPath('rg')) missing.push('ripgrep');
  if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) missing.push('chromium');
  if (forInstall && !existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/gssapi/gssapi.h')) {
    missing.push('libkrb5-dev');
  }
  return missing;
}

export function codeServerInstalled() {
  const cache = process.env.LSTM_LENS_CACHE ?? join(root, '.cache');
  return existsSync(join(cache, 'code-server-4.100.3', '.installed'));
}

/**
 * Runs a command with inherited output in its own process group; resolves with its exit code.
 * On timeout, or when this process gets SIGINT/SIGTERM, the group gets SIGTERM, then SIGKILL 30 s later.
 */
export function run(command, args, { timeoutMs, env, label } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    });
    let killTimer;
    const terminate = (why) => {
      if (killTimer) return;
      if (why) console.error(`\n[${label ?? command}] ${why}: stopping it`);
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // gone
      }
      killTimer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }, 30_000);
    };
    const timer = timeoutMs
      ? setTimeout(() => terminate(`timed out after ${timeoutMs / 1000} s`), timeoutMs)
      : undefined;
    const onSignal = () => terminate();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
    const finish = (code) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
      resolve(code);
    };
    child.once('error', (e) => {
      console.error(`[${label ?? command}] ${e.message}`);
      finish(1);
    });
    child.once('exit', (code, signal) => finish(code ?? (signal ? 128 : 1)));
  });
}

/** Brings a fresh clone to a buildable state. Returns an error message, or undefined when ready. */
export async function ensureSetup({ needCodeServer, log = console.log }) {
  const stale = nodeModulesStale();
  if (stale) {
    log(`npm ci (${stale})`);
    const code = await run('npm', ['ci', '--no-audit', '--no-fund'], { timeoutMs: 15 * 60_000, label: 'npm ci' });
    if (code !== 0) return `npm ci failed (exit ${code})`;
  } else {
    log('node_modules matches package-lock.json');
  }
  if (!needCodeServer) return undefined;
  const missing = missingDebianDeps({ forInstall: !codeServerInstalled() });
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) {
      return `missing Debian packages: ${missing.join(' ')}; run: sudo scripts/install-debian-deps.sh`;
    }
    log(`Debian packages missing (${missing.join(' ')}): scripts/install-debian-deps.sh`);
    const code = await run('bash', [join(root, 'scripts/install-debian-deps.sh')], {
      timeoutMs: 15 * 60_000,
      label: 'install-debian-deps',
    });
    if (code !== 0) return `scripts/install-debian-deps.sh failed (exit ${code})`;
  } else {
    log('Debian packages present (ripgrep, chromium)');
  }
  if (!codeServerInstalled()) log('installing code-server 4.100.3 into .cache/ (once; several minutes)');
  const code = await run('bash', [join(root, 'scripts/install-code-server.sh')], {
    timeoutMs: 25 * 60_000,
    label: 'install-code-server',
  });
  if (code !== 0) return `scripts/install-code-server.sh failed (exit ${code})`;
  return undefined;
}
