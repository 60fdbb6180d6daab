// Driving the real VS Code workbench in the page: waiting, quick open, the command palette, webviews.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { screenshotsDir } from './paths';
import { sleep } from './procs';

/** Retries `check` until it stops throwing, or throws its last error after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, intervalMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() >= until) throw e;
    }
    await sleep(intervalMs);
  }
}

/** Step-by-step timings on stderr when LSTM_LENS_RIG_DEBUG is set. */
function debug(message: string): void {
  if (process.env.LSTM_LENS_RIG_DEBUG)
    process.stderr.write(`[rig ${new Date().toISOString().slice(11, 23)}] ${message}\n`);
}

export class Workbench {
  constructor(readonly page: Page) {}

  /** Waits for the workbench, then for the explorer's rows (the remote connection is up). */
  async waitForWorkbench(timeoutMs = 90_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page
      .locator('.explorer-folders-view .monaco-list-row')
      .first()
      .waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** Throws with the dialog's text if a modal dialog is open (it would swallow later keys). */
  async assertNoDialog(): Promise<void> {
    const dialog = this.page.locator('.monaco-dialog-box');
    if (await dialog.isVisible()) throw new Error(`a modal dialog is open: ${await dialog.innerText()}`);
  }

  /** Texts of visible notification toasts, for diagnostics. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notification-toast').allInnerTexts();
  }

  /** Picks the quick-input row whose aria-label contains `label`, moving the focus to it, then Enter. */
  private async pickRow(label: string, timeoutMs: number): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    await widget
      .locator(`.quick-input-list .monaco-list-row[aria-label*="${cssString(label)}"]`)
      .first()
      .waitFor({ state: 'visible', timeout: timeoutMs });
    debug(`row "${label}" visible`);
    // History rows come first: walk the focus down to the first matching row.
    for (let i = 0; i < 20; i++) {
      const focused = widget.locator('.quick-input-list .monaco-list-row.focused');
      const aria = (await focused.count()) > 0 ? ((await focused.first().getAttribute('aria-label')) ?? '') : '';
      if (aria.includes(label)) break;
      await this.page.keyboard.press('ArrowDown');
      await sleep(50);
    }
    await this.page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: timeoutMs });
    debug(`row "${label}" picked`);
  }

  /**
   * Opens the quick input with `key` and types `text` into it. Retries (3 tries) when the widget
   * closes under us, e.g. because an editor that was still opening took the focus.
   */
  private async openQuickInput(key: string, text: string, timeoutMs: number): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    const input = widget.locator('.quick-input-box input');
    let lastError: unknown;
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        debug(`quick input ${key} ${JSON.stringify(text)}, try ${attempt}`);
        if (await widget.isVisible()) await this.page.keyboard.press('Escape');
        await this.page.keyboard.press(key);
        await input.waitFor({ state: 'visible', timeout: Math.min(timeoutMs, 5_000) });
        await input.fill(text, { timeout: 5_000 });
        await sleep(250);
        if ((await input.isVisible()) && (await input.inputValue()) === text) return;
        lastError = new Error(`the quick input closed after typing ${JSON.stringify(text)}`);
      } catch (e) {
        lastError = e;
        debug(`quick input try ${attempt} failed: ${String(e).split('\n')[0]}`);
      }
      await sleep(500);
    }
    throw lastError;
  }

  /** Ctrl+P, the file's name, Enter; waits until its editor is active and focused. */
  async quickOpen(fileName: string, timeoutMs = 20_000): Promise<void> {
    await this.assertNoDialog();
    await this.openQuickInput('Control+P', fileName, timeoutMs);
    await this.pickRow(fileName, timeoutMs);
    await this.waitForActiveEditor(fileName, timeoutMs);
  }

  /** Waits until the active editor tab is `fileName` and its editor has the keyboard focus. */
  async waitForActiveEditor(fileName: string, timeoutMs = 20_000): Promise<void> {
    await this.page
      .locator(`.tabs-container .tab.active[aria-label*="${cssString(fileName)}"]`)
      .waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page
      .locator('.editor-instance .monaco-editor.focused')
      .waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** F1, the command's title (e.g. "LSTM Lens: Open Explorer"), Enter. */
  async runCommand(title: string, timeoutMs = 20_000): Promise<void> {
    await this.assertNoDialog();
    await this.openQuickInput('F1', `>${title}`, timeoutMs);
    await this.pickRow(title, timeoutMs);
    await sleep(200);
    await this.assertNoDialog();
  }

  /** The active webview's content, two iframes deep. */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame');
  }

  /** Presses keys one by one (e.g. 'Control+End', 'ArrowUp'), `delayMs` apart. */
  async moveCursor(keys: string[], delayMs = 60): Promise<void> {
    await this.assertNoDialog();
    for (const key of keys) {
      await this.page.keyboard.press(key);
      await sleep(delayMs);
    }
  }

  /** The editor's cursor as the status bar shows it, e.g. "Ln 3, Col 7". */
  async statusBarPosition(): Promise<string> {
    const text = await this.page.locator('#status\\.editor\\.selection').innerText({ timeout: 5_000 });
    const m = /Ln \d+, Col \d+/.exec(text);
    if (!m) throw new Error(`no cursor position in the status bar: "${text}"`);
    return m[0];
  }

  /** Saves a full-page screenshot to .test-output/screenshots/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(screenshotsDir(), { recursive: true });
    const file = join(screenshotsDir(), `${name.replace(/[^\w.-]+/g, '_')}.png`);
    await this.page.screenshot({ path: file, timeout: 15_000 });
    return file;
  }
}

/** Escapes a value for a double-quoted CSS attribute selector. */
function cssString(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
