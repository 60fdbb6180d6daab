// Helpers for the explorer-panel UI tests: reading the webview's DOM, moving the cursor with Ctrl+G,
// timing key events in the workbench page, and the test oracles (offsets, visible glyphs).
import * as assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, type Dirent } from 'node:fs';
import { join, sep } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { repoRoot } from '../rig/paths';
import { sleep } from '../rig/procs';
import type { CodeServer } from '../rig/server';
import { eventually, type Workbench } from '../rig/workbench';

export const COMMAND_TITLE = 'LSTM Lens: Open Explorer';

/** A small, fast model: trains in seconds on two cores. */
export const FAST_SETTINGS: Record<string, unknown> = {
  'lstmLens.hiddenSize': 32,
  'lstmLens.trainingTimeBudget': 8,
  'lstmLens.sequenceLength': 32,
  'lstmLens.batchSize': 16,
};

export const GATES = ['i', 'f', 'g', 'o', 'c', 'h'] as const;
export const GATE_NAMES: Record<(typeof GATES)[number], string> = {
  i: 'input gate',
  f: 'forget gate',
  g: 'candidate',
  o: 'output gate',
  c: 'cell state',
  h: 'hidden state',
};

export function fixturesDir(): string {
  return join(repoRoot(), 'test', 'fixtures');
}

/** Copies test/fixtures/<sub>/* into the run's workspace (call from Session.open's beforeGoto). */
export function copyFixtures(server: CodeServer, sub: string): void {
  cpSync(join(fixturesDir(), sub), server.workspace, { recursive: true });
}

/** The panel's look of a character, as the issue specifies it (the test's own oracle, not the product's table). */
export function glyph(ch: string): string {
  if (ch === ' ') return '␣';
  if (ch === '\n') return '⏎';
  if (ch === '\t') return '⇥';
  return ch;
}

/** 1-based (line, col) → 0-based UTF-16 offset in `text` (col counts characters, a tab is one). */
export function offsetAt(text: string, line: number, col: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) throw new Error(`no line ${line}`);
    offset = nl + 1;
  }
  return offset + col - 1;
}

/** 0-based offset → 1-based (line, col). */
export function lineColAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line++;
    start = nl + 1;
  }
  return { line, col: offset - start + 1 };
}

/** Start offsets of every line, for fast lookups in a large text. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** A small seeded PRNG (mulberry32), so random positions repeat from run to run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PredictionRow {
  rank: string;
  token: string;
  prob: string;
  aria: string;
  barWidth: number;
  actual: boolean;
}

export interface PaintRecord {
  kind: 'cursor' | 'prediction';
  version: number;
  offset: number;
  receivedAt: number;
  paintedAt: number;
}

/** The explorer webview as a user sees it, read through its data-testid attributes. */
export class PanelDriver {
  constructor(readonly workbench: Workbench) {}

  get page(): Page {
    return this.workbench.page;
  }

  field(id: string): Locator {
    return this.workbench.webview().locator(`[data-testid="${id}"]`);
  }

  body(): Locator {
    return this.workbench.webview().locator('body');
  }

  async text(id: string): Promise<string> {
    return ((await this.field(id).first().textContent({ timeout: 5_000 })) ?? '').trim();
  }

  async waitReady(timeoutMs = 60_000): Promise<void> {
    await this.workbench
      .webview()
      .locator('body[data-ready="true"]')
      .waitFor({ state: 'attached', timeout: timeoutMs });
  }

  /** The training view's status: untrained | training | stopped | done | failed. */
  async status(): Promise<string> {
    return (
      (await this.workbench
        .webview()
        .locator('section.training-view')
        .getAttribute('data-status', { timeout: 5_000 })) ?? ''
    );
  }

  /** Waits for a status; the status text must read `label` then. */
  async waitStatus(status: string, label: string, timeoutMs: number): Promise<void> {
    await eventually(
      async () => {
        assert.equal(await this.status(), status);
        assert.equal(await this.text('training-status'), label);
      },
      timeoutMs,
      200,
    );
  }

  /** The training stats as { Step: '123', Loss: '…', … }. */
  async stats(): Promise<Record<string, string>> {
    return this.field('training-stats').evaluate((dl) => {
      const out: Record<string, string> = {};
      const dts = dl.querySelectorAll('dt');
      dts.forEach((dt) => {
        const dd = dt.nextElementSibling;
        out[(dt.textContent ?? '').trim()] = (dd?.textContent ?? '').trim();
      });
      return out;
    });
  }

  /** The step count shown in the stats, or null when there are none. */
  async step(): Promise<number | null> {
    const s = (await this.stats()).Step;
    return s === undefined ? null : Number(s.replace(/[^\d]/g, ''));
  }

  /** Painted (non-transparent) pixels of a canvas, its CSS size, and whether it is shown. */
  async canvasInk(locator: Locator): Promise<{ ink: number; distinct: number; width: number; height: number }> {
    return locator.evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const g = canvas.getContext('2d');
      if (!g || canvas.width === 0 || canvas.height === 0) return { ink: 0, distinct: 0, width: 0, height: 0 };
      const data = g.getImageData(0, 0, canvas.width, canvas.height).data;
      let ink = 0;
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 0) ink++;
        if (colours.size < 1000) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      }
      const r = canvas.getBoundingClientRect();
      return { ink, distinct: colours.size, width: r.width, height: r.height };
    });
  }

  async predictions(): Promise<PredictionRow[]> {
    return this.field('predictions').evaluate((ol) =>
      Array.from(ol.querySelectorAll('li.prediction')).map((li) => ({
        rank: (li.querySelector('.rank')?.textContent ?? '').trim(),
        token: li.querySelector('.token')?.textContent ?? '',
        prob: (li.querySelector('.prob')?.textContent ?? '').trim(),
        aria: li.getAttribute('aria-label') ?? '',
        barWidth: parseFloat((li.querySelector('.bar') as HTMLElement | null)?.style.width ?? 'NaN'),
        actual: li.classList.contains('actual-row'),
      })),
    );
  }

  /** The heatmap's column labels, oldest first. */
  async heatmapLabels(): Promise<string[]> {
    return this.field('heatmap-labels').evaluate((div) =>
      Array.from(div.querySelectorAll('.heatmap-label')).map((s) => s.textContent ?? ''),
    );
  }

  /** True when the shown prediction answers the shown cursor (the view is not dimmed as stale). */
  async predictionsCurrent(): Promise<boolean> {
    return this.workbench
      .webview()
      .locator('section.predictions-view')
      .evaluate((s) => !s.classList.contains('stale') && !(s as HTMLElement).hidden);
  }

  /** Waits until the panel shows the cursor at `offset` with a current prediction and heatmap for it. */
  async waitCursorAt(offset: number, timeoutMs = 15_000): Promise<void> {
    await eventually(
      async () => {
        assert.equal(await this.text('cursor-offset'), String(offset));
        assert.ok(await this.predictionsCurrent(), 'the prediction answers the cursor');
      },
      timeoutMs,
      100,
    );
  }

  async bodyInfo(): Promise<{ classes: string[]; csp: string | null; ready: string | null }> {
    return this.body().evaluate((b) => ({
      classes: Array.from(b.classList),
      csp: b.getAttribute('data-csp-violations'),
      ready: b.getAttribute('data-ready'),
    }));
  }

  async paints(): Promise<PaintRecord[]> {
    return this.body().evaluate(() => (window as unknown as { lstmLensPaints: PaintRecord[] }).lstmLensPaints.slice());
  }

  /** The element that has the keyboard focus inside the webview: its data-testid (or tag name). */
  async focused(): Promise<string> {
    return this.body().evaluate((b) => {
      const a = b.ownerDocument.activeElement;
      return a ? (a.getAttribute('data-testid') ?? a.tagName.toLowerCase()) : '';
    });
  }
}

/**
 * Ctrl+G, ":line:col", Enter: moves the editor's cursor. Returns once the quick input has closed.
 * (Faster than Workbench.runCommand: no settling sleeps, so it can run a hundred times.)
 */
export async function gotoLine(
  page: Page,
  line: number,
  col: number,
  timeoutMs = 10_000,
  waitClosed = true,
): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press('Control+G');
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill(`:${line}:${col}`, { timeout: 5_000 });
      await page.keyboard.press('Enter');
      if (waitClosed) await widget.waitFor({ state: 'hidden', timeout: timeoutMs });
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
      if (await widget.isVisible()) await page.keyboard.press('Escape');
      await sleep(300);
    }
  }
}

export interface KeyStamp {
  key: string;
  /** performance.timeOrigin + performance.now() in the capture listener (epoch ms). */
  at: number;
  /** performance.timeOrigin + event.timeStamp (epoch ms). */
  eventAt: number;
}

/** Records every keydown in the workbench page (capture phase on window), idempotently. */
export async function installKeyClock(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { lensKeys?: KeyStamp[] };
    if (w.lensKeys) return;
    const keys: KeyStamp[] = [];
    w.lensKeys = keys;
    window.addEventListener(
      'keydown',
      (e) => {
        keys.push({
          key: e.key,
          at: performance.timeOrigin + performance.now(),
          eventAt: performance.timeOrigin + e.timeStamp,
        });
        if (keys.length > 5000) keys.splice(0, keys.length - 5000);
      },
      true,
    );
  });
}

/** The last keydown recorded by installKeyClock with this key. */
export async function lastKey(page: Page, key: string): Promise<KeyStamp | undefined> {
  return page.evaluate((k) => {
    const keys = (window as unknown as { lensKeys?: KeyStamp[] }).lensKeys ?? [];
    for (let i = keys.length - 1; i >= 0; i--) if (keys[i].key === k) return keys[i];
    return undefined;
  }, key);
}

/** p-th percentile (0..100) by nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function summary(values: number[]): { n: number; p50: number; p95: number; max: number; mean: number } {
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    n: values.length,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    max: round(values.length ? Math.max(...values) : NaN),
    mean: round(values.reduce((s, v) => s + v, 0) / Math.max(1, values.length)),
  };
}

/**
 * ~`bytes` of Python-like source (functions, classes, comments, strings), ASCII with "\n" line ends
 * and no tabs, generated from a seed.
 */
export function generateSource(bytes: number, seed = 7): string {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const words = ['value', 'count', 'items', 'total', 'name', 'index', 'result', 'buffer', 'node', 'left', 'right'];
  const verbs = ['parse', 'load', 'merge', 'scan', 'split', 'render', 'update', 'check', 'build', 'walk'];
  const parts: string[] = ['"""A generated module for the LSTM Lens latency test."""\n', 'import math\n', '\n'];
  let size = parts.join('').length;
  let n = 0;
  while (size < bytes) {
    const fn = `${pick(verbs)}_${pick(words)}_${n++}`;
    const a = pick(words);
    const b = pick(words.filter((w) => w !== a));
    const block = [
      `def ${fn}(${a}, ${b}=None):`,
      `    """${pick(verbs).replace(/^./, (c) => c.toUpperCase())} the ${a} and return the ${b}."""`,
      `    # keep the ${a} between 0 and ${Math.floor(rnd() * 1000)}`,
      `    if ${b} is None:`,
      `        ${b} = []`,
      `    for i in range(len(${a})):`,
      `        ${b}.append(${a}[i] * ${Math.floor(rnd() * 97)} + math.floor(i / ${1 + Math.floor(rnd() * 9)}))`,
      `    return ${b}`,
      '',
      '',
    ].join('\n');
    parts.push(block);
    size += block.length;
  }
  return parts.join('');
}

/** F1 "Developer: Reload Window", then waits for the reloaded workbench. */
export async function reloadWindow(workbench: Workbench): Promise<void> {
  const page = workbench.page;
  const navigated = page.waitForEvent('framenavigated', {
    predicate: (f) => f === page.mainFrame(),
    timeout: 60_000,
  });
  // The page goes away under the command's own waits: those may throw; the navigation must happen.
  await workbench.runCommand('Developer: Reload Window').catch(() => undefined);
  await navigated;
  await workbench.waitForWorkbench();
}

/** Every saved model's meta.json below the run's user data (globalStorage/<ext>/models/<key>/meta.json). */
export function savedModelMetas(server: CodeServer): { file: string; savedAt: number; steps: number }[] {
  const found: { file: string; savedAt: number; steps: number }[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 6) return;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (e.name === 'meta.json' && dir.includes(`${sep}models${sep}`)) {
        try {
          const meta = JSON.parse(readFileSync(p, 'utf8')) as { savedAt: number; steps: number };
          found.push({ file: p, savedAt: meta.savedAt, steps: meta.steps });
        } catch {
          // being written
        }
      }
    }
  };
  walk(join(server.ud, 'User', 'globalStorage'), 0);
  return found;
}

/**
 * Picks a colour theme as a user does: Ctrl+K Ctrl+T ("Preferences: Color Theme"), the theme's name, Enter.
 */
export async function pickColorTheme(page: Page, theme: string, timeoutMs = 15_000): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  if (await widget.isVisible()) await page.keyboard.press('Escape');
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+T');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(theme);
  const rows = widget.locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor({ state: 'visible', timeout: timeoutMs });
  await sleep(200);
  // Rows read "<label>, <settings id>", e.g. "Dark High Contrast, Default High Contrast".
  const isTheme = (aria: string) => aria === theme || aria.endsWith(`, ${theme}`);
  const seen: string[] = [];
  for (let i = 0; i < 20; i++) {
    const focused = widget.locator('.quick-input-list .monaco-list-row.focused');
    const aria = (await focused.count()) > 0 ? ((await focused.first().getAttribute('aria-label')) ?? '') : '';
    seen.push(aria);
    if (isTheme(aria)) {
      await page.keyboard.press('Enter');
      await widget.waitFor({ state: 'hidden', timeout: timeoutMs });
      return;
    }
    await page.keyboard.press('ArrowDown');
    await sleep(50);
  }
  await page.keyboard.press('Escape');
  throw new Error(`no row for theme "${theme}" in the colour theme picker; saw ${JSON.stringify(seen)}`);
}

/** Editor decorations with a background colour (VS Code draws them as boxes behind the text, one per run). */
export async function colouredEditorBoxes(page: Page): Promise<number> {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll('.editor-instance .view-overlays div[class*="ced-"]')];
    return boxes.filter((s) => {
      const bg = getComputedStyle(s).backgroundColor;
      return bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent';
    }).length;
  });
}
