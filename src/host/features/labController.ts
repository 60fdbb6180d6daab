// The long-term-dependency lab on the host side: sampling, memory span, interventions and the cell
// comparison with its long-range probe, per document, with the state the panel's lab views show.

import * as vscode from 'vscode';
import {
  ComparePoints,
  CompareMatch,
  CompareView,
  EMPTY_LAB,
  InterventionSpec,
  LabPending,
  LabSnapshot,
  MemorySpanView,
} from '../../shared/protocol';
import type { DocumentLab } from '../core/documentSession';
import { LensSettings } from '../core/settingsSchema';
import type { EditorFeatureHost } from './editorFeatureHost';
import type { CompareCellsDone, CompareProgressEvent, MemorySpanResult } from '../../protocol/lab';
import { MemoryOverlay } from './memoryOverlay';

/** Characters before the cursor the memory span looks at (the worker's limit is 128). */
export const MEMORY_WINDOW = 96;
/** Decades below its peak over which the gradient is shown (1: the peak, 0: a thousandth of it or less). */
const GRADIENT_DECADES = 3;
/** Characters an intervention samples on each side. */
const INTERVENTION_LENGTH = 120;
/** Longest a comparison may take, in budgets: with a step budget, up to 8 per cell (compare.ts), plus the probe. */
const COMPARE_TIME_FACTOR = 25;
/** Quiet time after the cursor stops before the followed memory span is measured again. */
const FOLLOW_DELAY_MS = 150;

export interface LabHost extends EditorFeatureHost {
  settings(): LensSettings;
  /** Sends the document's current text to the worker (no model needed) and returns the worker's name for it. */
  sendDocument(doc: vscode.TextDocument): string;
  /** Stops the document's own training; true if it was training. */
  stopDocumentTraining(uri: string): boolean;
  /** The lab results kept for a document (in its session). */
  labOf(uri: string): DocumentLab;
  /** A running comparison of the shown document grew by one point (sent as an append, not a new lab). */
  compareProgress(points: ComparePoints): void;
}

type DocLab = DocumentLab;

export class LabController implements vscode.Disposable {
  /** Running comparisons: worker document id → document URI. */
  private readonly comparing = new Map<string, string>();
  private memoryFollow = false;
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  /** Newest memory-span request; older answers are dropped. */
  private memoryGeneration = 0;
  private sampleSeed = 1;
  private readonly overlay = new MemoryOverlay();
  private readonly disposables: vscode.Disposable[] = [this.overlay];

  constructor(private readonly host: LabHost) {
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (this.memoryFollow && e.textEditor === this.host.editor()) this.scheduleFollow();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document !== this.host.editor()?.document || e.contentChanges.length === 0) return;
        this.overlay.clear(); // the measured offsets no longer match the text
        if (this.memoryFollow) this.scheduleFollow();
      }),
    );
  }

  private labFor(uri: string): DocLab {
    return this.host.labOf(uri);
  }

  /** The lab as the panel shows it, for the given document. */
  snapshot(uri: string | undefined): LabSnapshot {
    if (!uri) return { ...EMPTY_LAB, memoryFollow: this.memoryFollow };
    const { pending, ...lab } = this.labFor(uri);
    return { ...lab, pending: [...pending], memoryFollow: this.memoryFollow };
  }

  /** The shown document changed: redraw (or clear) the editor overlay for it. */
  documentShown(): void {
    this.overlay.clear();
    if (this.memoryFollow) this.scheduleFollow(0);
  }

  /** A document's model was reset: its lab results no longer describe a model. */
  forget(uri: string): void {
    const lab = this.labFor(uri);
    lab.sample = null;
    lab.memory = null;
    lab.intervention = null;
    if (uri === this.currentUri()) this.overlay.clear();
  }

  /** The document was closed: its results and comparisons go. */
  closed(uri: string): void {
    for (const [id, u] of this.comparing) if (u === uri) this.comparing.delete(id);
  }

  private currentUri(): string | undefined {
    return this.host.editor()?.document.uri.toString();
  }

  /** Runs one cursor request for the shown document, marking it pending; the update lands on that document. */
  private async atCursor<T>(
    kind: LabPending,
    run: (doc: vscode.TextDocument, offset: number, lab: DocLab) => Promise<T>,
  ): Promise<T | undefined> {
    const editor = this.host.editor();
    const doc = editor?.document;
    if (!editor || !doc || !this.host.ready(doc)) return undefined;
    const lab = this.labFor(doc.uri.toString());
    lab.pending.add(kind);
    lab.error = null;
    this.host.changed();
    try {
      return await run(doc, doc.offsetAt(editor.selection.active), lab);
    } catch (err) {
      lab.error = { kind, message: (err as Error).message };
      this.host.log.warn(`Lab ${kind} failed: ${lab.error.message}`);
      return undefined;
    } finally {
      lab.pending.delete(kind);
      this.host.changed();
    }
  }

  // ───────────────────────────── sampling ─────────────────────────────

  /** Lets the model write on from the cursor; shows it in the panel and returns it. */
  sample(temperature: number, length = 200): Promise<string | undefined> {
    return this.atCursor('sample', async (doc, offset, lab) => {
      const answer = await this.host.trainer.call('sample', {
        docId: this.host.docId(doc),
        version: doc.version,
        offset,
        length,
        temperature,
        seed: this.sampleSeed++, // a new continuation each time; reproducible within a session
      });
      lab.sample = { version: answer.version, offset: answer.offset, temperature, text: answer.text };
      return answer.text;
    });
  }

  /** Greedy continuation for ghost text, without touching the panel; undefined when there is no model. */
  async continuation(doc: vscode.TextDocument, offset: number, length: number): Promise<string | undefined> {
    if (!this.host.ready(doc)) return undefined;
    const answer = await this.host.trainer.call(
      'sample',
      { docId: this.host.docId(doc), version: doc.version, offset, length, temperature: 0, seed: 0 },
      { timeoutMs: 2_000 },
    );
    return answer.version === doc.version ? answer.text : undefined;
  }

  // ───────────────────────────── memory span ─────────────────────────────

  /** Measures the memory span at the cursor (panel strip and, when following, the editor overlay). */
  measureMemory(): Promise<MemorySpanView | undefined> {
    const generation = ++this.memoryGeneration;
    return this.atCursor('memory', async (doc, offset, lab) => {
      const answer = await this.host.trainer.call(
        'memorySpan',
        { docId: this.host.docId(doc), version: doc.version, offset, window: MEMORY_WINDOW },
        { timeoutMs: 20_000 },
      );
      if (generation !== this.memoryGeneration || answer.version !== doc.version) return undefined; // stale
      lab.memory = memoryView(doc, answer);
      const editor = this.host.editor();
      if (this.memoryFollow && editor?.document === doc) this.overlay.show(editor, lab.memory);
      return lab.memory;
    });
  }

  /** Turns following the cursor (with the editor overlay) on or off. */
  followMemory(on: boolean): void {
    this.memoryFollow = on;
    if (on) this.scheduleFollow(0);
    else {
      clearTimeout(this.followTimer);
      this.overlay.clear();
    }
    this.host.changed();
  }

  /** What the editor overlay shows now (for tests). */
  get overlayDrawn(): { shaded: number; underlined: number } {
    return this.overlay.drawn;
  }

  get following(): boolean {
    return this.memoryFollow;
  }

  private scheduleFollow(delay = FOLLOW_DELAY_MS): void {
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => void this.measureMemory(), delay);
  }

  // ───────────────────────────── interventions ─────────────────────────────

  /** Runs the model with and without the intervention from the cursor, side by side. */
  intervene(spec: InterventionSpec, temperature: number): Promise<boolean | undefined> {
    return this.atCursor('intervene', async (doc, offset, lab) => {
      const answer = await this.host.trainer.call(
        'intervene',
        {
          docId: this.host.docId(doc),
          version: doc.version,
          offset,
          ...spec,
          length: INTERVENTION_LENGTH,
          temperature,
          seed: this.sampleSeed++, // both runs share it, so only the intervention differs
          topK: 10,
        },
        { timeoutMs: 20_000 },
      );
      lab.intervention = {
        spec: {
          layer: answer.layer,
          unit: answer.unit,
          target: answer.target,
          value: answer.value,
          steps: answer.steps,
        },
        version: answer.version,
        offset: answer.offset,
        baseline: answer.baseline,
        clamped: answer.clamped,
      };
      return true;
    });
  }

  /** One click back to the unchanged model. */
  resetIntervention(): void {
    const uri = this.currentUri();
    if (!uri) return;
    const lab = this.labFor(uri);
    lab.intervention = null;
    lab.error = null;
    this.host.changed();
  }

  // ───────────────────────────── cell comparison ─────────────────────────────

  /**
   * Trains an RNN, a GRU and an LSTM on the shown document with the same budget each (the document's own
   * training is stopped first: they would share the worker's one core), then probes long-range brackets.
   */
  async compare(match: CompareMatch): Promise<CompareView | undefined> {
    const doc = this.host.editor()?.document;
    if (!doc) return undefined;
    const uri = doc.uri.toString();
    const lab = this.labFor(uri);
    if (lab.compare?.status === 'running') return lab.compare;
    const settings = this.host.settings();
    const stoppedTraining = this.host.stopDocumentTraining(uri);
    const docId = this.host.sendDocument(doc);
    const view: CompareView = {
      status: 'running',
      match,
      budgetSec: settings.compareBudget,
      steps: settings.compareSteps,
      curves: [],
      results: [],
      probe: { state: 'none', buckets: [] },
      note: stoppedTraining
        ? vscode.l10n.t('The document’s own training was paused so the three cells get the machine to themselves.')
        : null,
    };
    lab.compare = view;
    this.comparing.set(docId, uri);
    this.host.changed();
    try {
      const done = await this.host.trainer.call(
        'compareCells',
        {
          docId,
          budgetSec: settings.compareBudget,
          match,
          hiddenSize: settings.hiddenSize,
          languageId: doc.languageId,
          ...(settings.compareSteps > 0 ? { steps: settings.compareSteps } : {}),
        },
        { timeoutMs: (settings.compareBudget * COMPARE_TIME_FACTOR + 120) * 1000 },
      );
      this.onCompareDone(view, done);
    } catch (err) {
      view.status = 'failed';
      view.note = (err as Error).message;
      this.host.changed();
      return view;
    } finally {
      this.comparing.delete(docId);
    }
    if (view.results.length > 0) await this.probe(view, docId);
    return view;
  }

  stopCompare(): void {
    const doc = this.host.editor()?.document;
    if (doc && this.labFor(doc.uri.toString()).compare?.status === 'running')
      this.host.trainer.notify('stopTraining', { docId: this.host.docId(doc) });
  }

  /** A point on one cell's curve. */
  onCompareProgress(m: CompareProgressEvent): void {
    const uri = this.comparing.get(m.docId);
    const view = uri ? this.labFor(uri).compare : undefined;
    if (!view || view.status !== 'running') return;
    let curve = view.curves.find((c) => c.cell === m.cell);
    if (!curve) {
      curve = { cell: m.cell, hiddenSize: m.hiddenSize, params: m.params, points: [] };
      view.curves.push(curve);
    }
    curve.points.push(m.point);
    if (uri === this.currentUri())
      this.host.compareProgress({ cell: m.cell, hiddenSize: m.hiddenSize, params: m.params, point: m.point });
  }

  private onCompareDone(view: CompareView, m: CompareCellsDone): void {
    view.status = m.status;
    view.results = m.results;
    this.host.changed();
  }

  private async probe(view: CompareView, docId: string): Promise<void> {
    view.probe = { state: 'computing', buckets: [] };
    this.host.changed();
    try {
      const answer = await this.host.trainer.call('longRangeProbe', { docId }, { timeoutMs: 120_000 });
      view.probe = { state: 'ready', buckets: answer.buckets, verdict: answer.verdict };
    } catch (err) {
      view.probe = { state: 'failed', buckets: [] };
      view.note = (err as Error).message;
    }
    this.host.changed();
  }

  dispose(): void {
    clearTimeout(this.followTimer);
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

/** The worker's answer in the panel's terms: token texts, gradient on a log scale below its peak. */
function memoryView(doc: vscode.TextDocument, a: MemorySpanResult): MemorySpanView {
  const offsets = Array.from(a.offsets);
  const first = offsets[0];
  const text = doc.getText(new vscode.Range(doc.positionAt(first), doc.positionAt(offsets[offsets.length - 1])));
  const tokens = offsets.slice(0, -1).map((o, t) => text.slice(o - first, offsets[t + 1] - first));
  const peak = a.gradNorm.reduce((m, g) => Math.max(m, g), 0);
  // The last few characters dominate the raw norm; a log scale over GRADIENT_DECADES shows the long tail.
  const scaled = (g: number) => (peak > 0 && g > 0 ? Math.max(0, 1 + Math.log10(g / peak) / GRADIENT_DECADES) : 0);
  return {
    version: a.version,
    offset: a.offset,
    cell: a.cell,
    hiddenSize: a.hiddenSize,
    tokens,
    offsets,
    gradient: Array.from(a.gradNorm, scaled),
    memory: Array.from(a.forgetProduct),
    memoryUnits: a.forgetProductUnits,
    target: a.target,
  };
}
