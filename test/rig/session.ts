// A server, a browser and the workbench page, opened together and closed together.
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type BrowserSession } from './browser';
import { repoRoot } from './paths';
import { onCleanup, withTimeout } from './procs';
import { CodeServer, type ServerOptions } from './server';
import { Workbench } from './workbench';

export interface SessionOptions extends ServerOptions {
  /** Load the repo itself as the extension under development (payload extensionDevelopmentPath). */
  devExtension?: boolean;
  /**
   * 'web': run the extension under development in the workbench's Web Worker extension host (its
   * "browser" entry, no Node), as VS Code for the Web does: the payload pair extensionDevelopmentKind=web,
   * and the user setting remote.extensionKind, which is what VS Code 1.100's browser workbench reads (its
   * environment service names the payload's value extensionDevelopmentLocationKind, and the running-location
   * picker asks for extensionDevelopmentKind, so the pair alone leaves an extension with "main" in Node).
   */
  extensionKind?: 'web';
  /** Absolute path of a mocha runner module to run in the extension host (payload extensionTestsPath). */
  testsPath?: string;
  /** A file to open at start-up, relative to the workspace (payload openFile). */
  openFile?: string;
  /** Runs before the page loads the workbench, e.g. to expose functions. */
  beforeGoto?: (page: Page, server: CodeServer) => Promise<void>;
  /** Skip waiting for the connected workbench (an extension test run may end before that). */
  noWait?: boolean;
}

/** The extension's id (publisher.name in package.json). */
const WEB_EXTENSION_ID = 'lstm-lens.lstm-lens';

export class Session {
  private closed = false;
  private unregister: () => void = () => {};

  private constructor(
    readonly server: CodeServer,
    readonly browser: BrowserSession,
    readonly workbench: Workbench,
  ) {}

  get page(): Page {
    return this.browser.page;
  }

  static async open(options: SessionOptions): Promise<Session> {
    const server = await CodeServer.start(
      options.extensionKind === 'web'
        ? { ...options, settings: { ...options.settings, 'remote.extensionKind': { [WEB_EXTENSION_ID]: ['web'] } } }
        : options,
    );
    let browser: BrowserSession | undefined;
    try {
      browser = await launchBrowser(server.runDir);
      const session = new Session(server, browser, new Workbench(browser.page));
      session.unregister = onCleanup(() => session.close());
      const payload: [string, string][] = [];
      if (options.devExtension) payload.push(['extensionDevelopmentPath', server.remoteUri(repoRoot())]);
      if (options.extensionKind === 'web') payload.push(['extensionDevelopmentKind', 'web']);
      if (options.testsPath) payload.push(['extensionTestsPath', server.remoteUri(options.testsPath)]);
      if (options.openFile) payload.push(['openFile', server.remoteUri(join(server.workspace, options.openFile))]);
      if (options.beforeGoto) await options.beforeGoto(browser.page, server);
      await browser.page.goto(server.workbenchUrl({ payload }), { waitUntil: 'domcontentloaded', timeout: 60_000 });
      if (!options.noWait) {
        await session.workbench.waitForWorkbench();
        // Let the start-up editor settle, or it takes the focus from whatever comes next.
        if (options.openFile) await session.workbench.waitForActiveEditor(basename(options.openFile), 30_000);
      }
      return session;
    } catch (e) {
      await browser?.close();
      await server.stop();
      throw e;
    }
  }

  /** `[error]` lines in the extension host logs so far. */
  extHostErrors(): string[] {
    return this.server.extHostErrors();
  }

  /** Closes the browser, then stops the server and waits for its tree. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unregister();
    await withTimeout(this.browser.close(), 20_000, 'browser to close').catch(() => undefined);
    await this.server.stop();
  }
}
