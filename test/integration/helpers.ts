// Shared helpers for tests inside the extension host: the controller, waiting, and small settings.
import * as vscode from 'vscode';
import type { LensTestApi } from '../../src/host/testing';

export const EXTENSION_ID = 'lstm-lens.lstm-lens';

export async function lens(): Promise<LensTestApi> {
  const ext = vscode.extensions.getExtension<LensTestApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext.isActive ? ext.exports : await ext.activate();
}

export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Small, fast training settings for tests (set globally, restored by `restoreSettings`). */
export async function useFastSettings(overrides: Record<string, unknown> = {}): Promise<void> {
  const config = vscode.workspace.getConfiguration('lstmLens');
  const values: Record<string, unknown> = {
    hiddenSize: 32,
    trainingTimeBudget: 5,
    sequenceLength: 32,
    batchSize: 16,
    ...overrides,
  };
  for (const [k, v] of Object.entries(values)) await config.update(k, v, vscode.ConfigurationTarget.Global);
}

export async function restoreSettings(): Promise<void> {
  const config = vscode.workspace.getConfiguration('lstmLens');
  for (const k of [
    'hiddenSize',
    'trainingTimeBudget',
    'sequenceLength',
    'batchSize',
    'autoTrain',
    'learningRate',
    'topK',
    'compareBudget',
    'compareSteps',
    'recallSteps',
    'inlineSuggestions',
  ])
    await config.update(k, undefined, vscode.ConfigurationTarget.Global);
}

/** Opens an untitled document with the given text and language, in the first column. */
export async function openText(content: string, language = 'plaintext'): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ content, language });
  return vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
}

export function moveCursor(editor: vscode.TextEditor, offset: number): void {
  const p = editor.document.positionAt(offset);
  editor.selection = new vscode.Selection(p, p);
}

/** A deterministic text with structure a small LSTM learns in seconds. */
export function structuredText(lines = 200): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(`def f${i % 10}(x):\n    return "value ${i % 7}" + x\n`);
  return out.join('');
}

/** Closes every editor and the panel, discarding untitled text (no save prompts). */
export async function closeAllEditors(): Promise<void> {
  for (let i = 0; i < 100 && vscode.window.tabGroups.all.some((g) => g.tabs.length > 0); i++) {
    const before = vscode.window.tabGroups.all.reduce((n, g) => n + g.tabs.length, 0);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    const after = vscode.window.tabGroups.all.reduce((n, g) => n + g.tabs.length, 0);
    if (after >= before) await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }
}
