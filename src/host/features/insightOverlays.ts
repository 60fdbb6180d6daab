// Colours the visible editor text by a unit's activation or by surprisal (Karpathy-style), with a hover that shows
// the model's alternatives. Only visible ranges are ever computed; every refresh is versioned and stale ones dropped.

import * as vscode from 'vscode';
import { describeToken, visibleToken } from '../../shared/glyphs';
import type { AlternativesResult, ProbeWire } from '../../protocol/insight';
import type { GateName, OverlayKind, ViewState } from '../../shared/protocol';
import type { EditorFeatureHost } from './editorFeatureHost';

/** Colour steps per sign: enough to read gradients, few enough decoration types. */
const STEPS = 12;
/** Lines computed beyond the visible ones, so small scrolls need no round trip. */
const MARGIN_LINES = 30;
/** Upper bound on characters computed per refresh (a minified line can be huge). */
const MAX_CHARS = 40_000;
/** Quiet time after scrolling or typing before recomputing. */
const REFRESH_DELAY_MS = 60;
/** Surprisal at which the colour saturates, in bits. */
const MAX_BITS = 10;

export interface OverlayHost extends EditorFeatureHost {
  /** The gate and pinned unit the activation overlay shows. */
  view(): ViewState;
  /** The pinned probe the probe overlay shows (null: none pinned). */
  probe(): ProbeWire | null;
}

function isSigned(gate: GateName): boolean {
  return gate === 'g' || gate === 'c' || gate === 'h';
}

export class InsightOverlays implements vscode.Disposable {
  private kindValue: OverlayKind = 'none';
  private readonly positive: vscode.TextEditorDecorationType[];
  private readonly negative: vscode.TextEditorDecorationType[];
  private readonly surprise: vscode.TextEditorDecorationType[];
  private readonly heldOutMarker: vscode.TextEditorDecorationType;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private decorated: vscode.TextEditor | undefined;
  /** Last refresh cost (request → decorations set), for diagnostics and the benchmark. */
  lastRefreshMs = 0;
  refreshCount = 0;

  constructor(private readonly host: OverlayHost) {
    const bucket = (rgb: string) =>
      Array.from({ length: STEPS }, (_, i) =>
        vscode.window.createTextEditorDecorationType({
          backgroundColor: `rgba(${rgb}, ${(((i + 1) / STEPS) * 0.55).toFixed(3)})`, // text stays readable at the top
          rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
        }),
      );
    this.positive = bucket('56, 132, 255');
    this.negative = bucket('255, 128, 32');
    this.surprise = bucket('235, 52, 52');
    this.heldOutMarker = vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      borderWidth: '1px 0 0 0',
      borderStyle: 'dashed',
      borderColor: new vscode.ThemeColor('editorCodeLens.foreground'),
      before: {
        contentText: vscode.l10n.t('▸ held-out text (never trained on) '),
        color: new vscode.ThemeColor('editorCodeLens.foreground'),
        fontStyle: 'italic',
      },
    });
    this.disposables.push(
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => {
        if (e.textEditor === this.host.editor()) this.schedule();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.host.editor()?.document) this.schedule();
      }),
      vscode.languages.registerHoverProvider('*', { provideHover: (d, p, t) => this.hover(d, p, t) }),
    );
  }

  get kind(): OverlayKind {
    return this.kindValue;
  }

  set(kind: OverlayKind): void {
    if (kind === this.kindValue) return;
    this.kindValue = kind;
    this.clear();
    this.host.changed();
    this.schedule(0);
  }

  /** Recompute soon (the pinned unit, the model, the editor or its text changed). */
  schedule(delay = REFRESH_DELAY_MS): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delay);
  }

  private clear(): void {
    const e = this.decorated;
    if (!e) return;
    for (const t of [...this.positive, ...this.negative, ...this.surprise, this.heldOutMarker]) e.setDecorations(t, []);
    this.decorated = undefined;
  }

  /** The span to compute: the visible lines plus a margin, capped in characters. */
  private span(editor: vscode.TextEditor): { start: number; end: number } | undefined {
    const doc = editor.document;
    const visible = editor.visibleRanges;
    if (visible.length === 0) return undefined;
    const firstLine = Math.max(0, visible[0].start.line - MARGIN_LINES);
    const lastLine = Math.min(doc.lineCount - 1, visible[visible.length - 1].end.line + MARGIN_LINES);
    const start = doc.offsetAt(new vscode.Position(firstLine, 0));
    const end = Math.min(doc.offsetAt(doc.lineAt(lastLine).range.end), start + MAX_CHARS);
    return end > start ? { start, end } : undefined;
  }

  async refresh(): Promise<void> {
    const editor = this.host.editor();
    if (this.decorated && this.decorated !== editor) this.clear();
    if (this.kindValue === 'none' || !editor || !this.host.ready(editor.document)) return;
    const span = this.span(editor);
    if (!span) return;
    const generation = ++this.generation;
    const doc = editor.document;
    const version = doc.version;
    const started = performance.now();
    try {
      if (this.kindValue === 'activation') {
        const view = this.host.view();
        if (view.pinnedUnit === null) return;
        const answer = await this.host.trainer.call('unitValues', {
          docId: this.host.docId(doc),
          version,
          start: span.start,
          end: span.end,
          layer: view.pinnedLayer,
          gate: view.selectedGate,
          unit: view.pinnedUnit,
        });
        if (generation !== this.generation || doc.version !== version || this.kindValue !== 'activation') return;
        const signed = isSigned(answer.gate);
        const pos: vscode.Range[][] = this.positive.map(() => []);
        const neg: vscode.Range[][] = this.negative.map(() => []);
        for (let k = 0; k < answer.values.length; k++) {
          const v = answer.gate === 'c' ? Math.tanh(answer.values[k]) : answer.values[k]; // c is unbounded: show tanh(c)
          const magnitude = signed ? Math.min(1, Math.abs(v)) : Math.max(0, Math.min(1, v));
          const step = Math.min(STEPS - 1, Math.floor(magnitude * STEPS));
          if (magnitude < 0.5 / STEPS) continue; // leave ~0 uncoloured
          const range = new vscode.Range(doc.positionAt(answer.offsets[k]), doc.positionAt(answer.offsets[k + 1]));
          (signed && v < 0 ? neg : pos)[step].push(range);
        }
        this.positive.forEach((t, i) => editor.setDecorations(t, pos[i]));
        this.negative.forEach((t, i) => editor.setDecorations(t, neg[i]));
        editor.setDecorations(this.heldOutMarker, []);
      } else if (this.kindValue === 'probe') {
        const probe = this.host.probe();
        if (!probe) return;
        const answer = await this.host.trainer.call('probeValues', {
          docId: this.host.docId(doc),
          version,
          start: span.start,
          end: span.end,
          weights: probe.weights.slice(),
          bias: probe.bias,
        });
        if (generation !== this.generation || doc.version !== version || this.kindValue !== 'probe') return;
        // A flag probe's output is a log-odds: where it says "more likely than not", blue as strong as that belief
        // (2p − 1); elsewhere uncoloured. A count probe's is the predicted count, shown against the largest in view.
        let max = 0;
        for (const v of answer.values) max = Math.max(max, Math.abs(v));
        const pos: vscode.Range[][] = this.positive.map(() => []);
        const neg: vscode.Range[][] = this.negative.map(() => []);
        for (let k = 0; k < answer.values.length; k++) {
          const x = answer.values[k];
          const v = probe.metric === 'auc' ? Math.max(0, 2 / (1 + Math.exp(-x)) - 1) : x / (max || 1);
          const magnitude = Math.min(1, Math.abs(v));
          if (magnitude < 0.5 / STEPS) continue;
          const step = Math.min(STEPS - 1, Math.floor(magnitude * STEPS));
          const range = new vscode.Range(doc.positionAt(answer.offsets[k]), doc.positionAt(answer.offsets[k + 1]));
          (v < 0 ? neg : pos)[step].push(range);
        }
        this.positive.forEach((t, i) => editor.setDecorations(t, pos[i]));
        this.negative.forEach((t, i) => editor.setDecorations(t, neg[i]));
        editor.setDecorations(this.heldOutMarker, []);
      } else {
        const answer = await this.host.trainer.call('surprisal', {
          docId: this.host.docId(doc),
          version,
          start: span.start,
          end: span.end,
        });
        if (generation !== this.generation || doc.version !== version || this.kindValue !== 'surprisal') return;
        const buckets: vscode.Range[][] = this.surprise.map(() => []);
        for (let k = 0; k < answer.bits.length; k++) {
          const t = Math.min(1, answer.bits[k] / MAX_BITS);
          if (t < 0.5 / STEPS) continue;
          const step = Math.min(STEPS - 1, Math.floor(t * STEPS));
          buckets[step].push(
            new vscode.Range(doc.positionAt(answer.offsets[k]), doc.positionAt(answer.offsets[k + 1])),
          );
        }
        this.surprise.forEach((t, i) => editor.setDecorations(t, buckets[i]));
        const marker = doc.positionAt(answer.heldOutStart);
        const inView = answer.heldOutStart >= span.start && answer.heldOutStart < span.end;
        editor.setDecorations(this.heldOutMarker, inView ? [new vscode.Range(marker, marker)] : []);
      }
      this.decorated = editor;
      this.lastRefreshMs = performance.now() - started;
      this.refreshCount++;
    } catch (err) {
      this.host.log.warn(`Overlay refresh failed: ${(err as Error).message}`);
    }
  }

  /** With the surprisal overlay on: what the model expected at this character, and how surprised it was. */
  private async hover(
    doc: vscode.TextDocument,
    position: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.Hover | undefined> {
    if (this.kindValue !== 'surprisal') return undefined;
    const editor = this.host.editor();
    if (!editor || editor.document !== doc || !this.host.ready(doc)) return undefined;
    let answer: AlternativesResult;
    try {
      answer = await this.host.trainer.call(
        'alternatives',
        {
          docId: this.host.docId(doc),
          version: doc.version,
          offset: doc.offsetAt(position),
          topK: 5,
        },
        { timeoutMs: 3_000 },
      );
    } catch {
      return undefined;
    }
    if (token.isCancellationRequested || !answer.actual) return undefined;
    const a = answer.actual;
    const md = new vscode.MarkdownString(undefined, false);
    md.isTrusted = false;
    md.supportHtml = false;
    md.appendMarkdown('**LSTM Lens** · ');
    md.appendText(
      vscode.l10n.t(
        '"{0}": {1} bits (p = {2}, rank {3})',
        visibleToken(a.token),
        a.bits.toFixed(2),
        percent(a.prob),
        String(a.rank),
      ),
    );
    md.appendMarkdown('  \n');
    md.appendText(
      answer.heldOut
        ? vscode.l10n.t('Held-out text: the model never trained on it.')
        : vscode.l10n.t('Training text: the model learned from it.'),
    );
    md.appendMarkdown('\n\n');
    md.appendText(vscode.l10n.t('The model expected:'));
    md.appendMarkdown('\n');
    for (const [i, alt] of answer.top.entries()) {
      md.appendMarkdown(`\n${i + 1}. `);
      md.appendText(`${visibleToken(alt.token)}  ${percent(alt.prob)}  (${describeToken(alt.token)})`);
    }
    const range = new vscode.Range(doc.positionAt(answer.tokenStart), doc.positionAt(answer.tokenEnd));
    return new vscode.Hover(md, range);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.clear();
    for (const t of [...this.positive, ...this.negative, ...this.surprise, this.heldOutMarker]) t.dispose();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

function percent(p: number): string {
  return p < 0.001 ? '<0.1%' : `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;
}
