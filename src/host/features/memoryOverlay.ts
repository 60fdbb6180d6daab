// Draws the memory span at the cursor over the editor's text: the background shows how much the prediction
// depends on each earlier character (gradient), the underline how much of the cell written there survives.

import * as vscode from 'vscode';
import { MemorySpanView } from '../../shared/protocol';

/** Intensity steps: enough to read a gradient, few enough decoration types. */
const STEPS = 8;

/** Which of STEPS buckets a 0..1 value falls in (-1: too faint to draw). */
export function intensityBucket(value: number, steps = STEPS): number {
  if (!(value > 0.04)) return -1;
  return Math.min(steps - 1, Math.floor(Math.min(1, value) * steps));
}

export class MemoryOverlay implements vscode.Disposable {
  private readonly dependence: vscode.TextEditorDecorationType[];
  private readonly survival: vscode.TextEditorDecorationType[];
  private readonly legend: vscode.TextEditorDecorationType;
  private decorated: vscode.TextEditor | undefined;
  /** Ranges drawn by the last show (shaded, underlined), for tests and diagnostics; zeros when cleared. */
  drawn = { shaded: 0, underlined: 0 };

  constructor() {
    this.dependence = Array.from({ length: STEPS }, (_, i) =>
      vscode.window.createTextEditorDecorationType({
        backgroundColor: `rgba(168, 85, 247, ${(((i + 1) / STEPS) * 0.5).toFixed(3)})`, // text stays readable
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    );
    this.survival = Array.from({ length: STEPS }, (_, i) =>
      vscode.window.createTextEditorDecorationType({
        borderStyle: 'solid',
        borderWidth: '0 0 2px 0',
        borderColor: `rgba(16, 185, 129, ${(((i + 1) / STEPS) * 0.9 + 0.1).toFixed(3)})`,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    );
    this.legend = vscode.window.createTextEditorDecorationType({
      after: {
        color: new vscode.ThemeColor('editorCodeLens.foreground'),
        fontStyle: 'italic',
        margin: '0 0 0 2em',
      },
    });
  }

  /** Draws a measured span; the caller guarantees it belongs to this editor's current text. */
  show(editor: vscode.TextEditor, span: MemorySpanView): void {
    if (this.decorated && this.decorated !== editor) this.clear();
    const doc = editor.document;
    const dep: vscode.DecorationOptions[][] = this.dependence.map(() => []);
    const sur: vscode.DecorationOptions[][] = this.survival.map(() => []);
    const T = span.tokens.length;
    for (let t = 0; t < T; t++) {
      if (span.tokens[t] === '\n' || span.tokens[t] === '\r\n') continue; // nothing to colour
      const range = new vscode.Range(doc.positionAt(span.offsets[t]), doc.positionAt(span.offsets[t + 1]));
      const hoverMessage = new vscode.MarkdownString(
        vscode.l10n.t(
          'LSTM Lens memory span, {0} characters before the cursor: dependence {1}, memory kept {2}.',
          String(T - t),
          span.gradient[t].toFixed(2),
          span.memory[t].toFixed(2),
        ),
      );
      const d = intensityBucket(span.gradient[t]);
      if (d >= 0) dep[d].push({ range, hoverMessage });
      const s = intensityBucket(span.memory[t]);
      if (s >= 0) sur[s].push(d >= 0 ? { range } : { range, hoverMessage });
    }
    this.dependence.forEach((type, i) => editor.setDecorations(type, dep[i]));
    this.survival.forEach((type, i) => editor.setDecorations(type, sur[i]));
    const line = doc.positionAt(span.offset).line;
    const end = doc.lineAt(line).range.end;
    editor.setDecorations(this.legend, [
      {
        range: new vscode.Range(end, end),
        renderOptions: {
          after: {
            contentText: vscode.l10n.t(
              'memory span: shading = how much “{0}” depends on that character, underline = cell memory kept',
              span.target.token === '\n' ? '↵' : span.target.token,
            ),
          },
        },
      },
    ]);
    this.decorated = editor;
    this.drawn = { shaded: dep.flat().length, underlined: sur.flat().length };
  }

  clear(): void {
    const e = this.decorated;
    if (!e) return;
    for (const type of [...this.dependence, ...this.survival, this.legend]) e.setDecorations(type, []);
    this.decorated = undefined;
    this.drawn = { shaded: 0, underlined: 0 };
  }

  dispose(): void {
    this.clear();
    for (const type of [...this.dependence, ...this.survival, this.legend]) type.dispose();
  }
}
