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
  }

  /** Ctrl+P, the file's name, Enter; waits until its editor is active and focused. */
  async quickOpen(fileName: string, timeoutMs = 20_000): Promise<void> {
    await this.assertNoDialog();
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
    await input.fill(fileName);
    await this.pickRow(fileName, timeoutMs);
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
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
    await input.fill(`>${title}`);
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
