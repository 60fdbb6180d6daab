// Debian's Chromium, headless, through playwright-core, with a fresh profile inside the run folder.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPath } from './paths';
import { onCleanup, withTimeout } from './procs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console lines prefixed [Extension Host] land here. */
  extensionHostLog: string;
  /** Every console line and page error lands here. */
  consoleLog: string;
  close(): Promise<void>;
}

export async function launchBrowser(runDir: string, viewport = { width: 1600, height: 1000 }): Promise<BrowserSession> {
  const base = join(runDir, 'browser');
  const profile = join(base, 'profile');
  for (const d of [profile, join(base, 'config'), join(base, 'cache')]) mkdirSync(d, { recursive: true });
  const context = await withTimeout(
    chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      args: CHROMIUM_ARGS,
      env: { ...process.env, XDG_CONFIG_HOME: join(base, 'config'), XDG_CACHE_HOME: join(base, 'cache') },
      viewport,
      timeout: 60_000,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    }),
    90_000,
    'Chromium to start',
  );
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    unregister();
    await withTimeout(context.close(), 15_000, 'Chromium to close').catch((e) =>
      process.stderr.write(`[rig] ${String(e)}\n`),
    );
  };
  const unregister = onCleanup(close);
  context.setDefaultTimeout(30_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const extensionHostLog = join(runDir, 'extension-host-console.log');
  const consoleLog = join(runDir, 'browser-console.log');
  page.on('console', (msg) => {
    const text = msg.text();
    const where = msg.type() === 'error' ? ` (${msg.location().url})` : '';
    appendFileSync(consoleLog, `[${msg.type()}] ${text}${where}\n`);
    if (text.startsWith('[Extension Host]')) appendFileSync(extensionHostLog, text + '\n');
  });
  page.on('pageerror', (err) => appendFileSync(consoleLog, `[pageerror] ${err.stack ?? String(err)}\n`));
  return { context, page, extensionHostLog, consoleLog, close };
}
