// The host's conductor: follows the active editor and cursor, feeds the trainer worker, and keeps the panel in sync.

import * as vscode from 'vscode';
import {
  CursorInfo,
  DEFAULT_VIEW_STATE,
  EMPTY_INSIGHT,
  InsightSnapshot,
  MatchDirection,
  OverlayKind,
  DocumentInfo,
  HostToWorker,
  PanelSnapshot,
  ViewState,
  WebviewToHost,
  WorkerToHost,
  assertNever,
  parseViewState,
} from '../shared/protocol';
import { CursorRequest, CursorSync } from './cursorSync';
import { DocumentModels } from './documentModels';
import { EXPLORER_VIEW_TYPE, ExplorerPanel } from './explorerPanel';
import { LensSettings } from './settingsSchema';
import { SettingsWatcher } from './settings';
import { LensStatusBar } from './statusBar';
import { TrainerClient } from './trainerClient';
import { webviewStrings } from './webviewStrings';
import { toModelConfig, toTrainingConfig } from './trainingOptions';
import { ModelStore, textHash } from './modelStore';
import { WorkerRequests } from './workerRequests';
import { InsightOverlays } from './insightOverlays';
import { MAX_MODEL_CHARS, modelability } from './documentLimits';
import { BusyMeter } from './busyMeter';
import { LabController } from './labController';
import { LensInlineSuggestions } from './inlineSuggestions';
import { WorkerOutbox } from './workerOutbox';
import { PanelStore } from './panelStore';

/** Cursor requests closer together than this collapse into one (the first is always immediate). */
const CURSOR_INTERVAL_MS = 16;

/** What the serializer stores for a panel across window reloads (the webview's `setState`). */
export interface PersistedPanelState {
  docUri?: string;
  view?: ViewState;
}

export class LensController implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** How long our own handlers hold the extension-host thread. */
  readonly busy = new BusyMeter();
  /** Set on deactivation: late worker messages and timers then do nothing. */
  private disposed = false;
  private readonly models = new DocumentModels();
  private readonly trainer: TrainerClient;
  /** Every message to the worker goes through here: large texts go in slices, later messages wait behind them. */
  private readonly outbox: WorkerOutbox;
  private readonly settingsWatcher: SettingsWatcher;
  private readonly statusBar = new LensStatusBar();
  private readonly cursorSync: CursorSync;
  private panel: ExplorerPanel | undefined;
  private webviewReady = false;
  /** The document the panel shows: the last text editor that had focus (the webview taking focus keeps it). */
  private currentEditor: vscode.TextEditor | undefined;
  private currentUri: string | undefined;
  private view: ViewState = DEFAULT_VIEW_STATE;
  private nextRequestId = 1;
  /** Newest prediction request per document; answers to older ones are stale and dropped. */
  private readonly latestRequest = new Map<string, number>();
  private lastCursor: CursorInfo | null = null;
  private lastPrediction: PanelSnapshot['prediction'] = null;
  /** The long-term-dependency lab (sampling, memory span, interventions, cell comparison). */
  readonly lab: LabController;
  /** Ghost text from the document's model (registered by extension.ts; answers only when the setting is on). */
  readonly suggestions: LensInlineSuggestions;
  /** The cursor (version, offset) lastPrediction answers. */
  private lastPredictionFor: { version: number; offset: number } | null = null;
  private readonly store: ModelStore;
  /** Import/export requests in flight, by request id. */
  private readonly pendingTransfers = new Map<number, { kind: 'import' | 'export'; uri: string; hash: string }>();
  /** Documents whose saved model was already looked for (at most once per session). */
  private readonly restoreTried = new Map<string, Promise<boolean>>();
  /** Set by injectDivergenceForTesting: the next training run's loss reads NaN at this step. */
  private divergenceForTesting: number | undefined;
  /** Documents whose model was just imported: their next 'done' keeps the host's (localised) message. */
  private readonly justImported = new Set<string>();
  private readonly requests: WorkerRequests;
  private readonly overlays: InsightOverlays;
  /** The panel's slices: marked as they change, sent as one patch per tick. */
  private readonly panelState: PanelStore;
  /** Unit labels and example matches per document (the overlay kind is shared). */
  private readonly insight = new Map<string, Omit<InsightSnapshot, 'overlay'>>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.store = new ModelStore(context.globalStorageUri, log);
    this.panelState = new PanelStore(
      {
        snapshot: () => this.snapshot(),
        prediction: () =>
          this.lastPrediction && this.lastPredictionFor
            ? { type: 'prediction', ...this.lastPredictionFor, prediction: this.lastPrediction }
            : { type: 'prediction', version: -1, offset: -1, prediction: null },
      },
      {
        ready: () => !!this.panel && this.webviewReady,
        post: (m) => void this.panel?.post(m),
      },
      (what, fn) => this.busy.time(what, fn),
    );
    this.settingsWatcher = new SettingsWatcher(log, (s) => this.onSettingsChanged(s));
    this.trainer = new TrainerClient({
      workerPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath,
      log,
      onMessage: (m) => this.busy.time(`worker:${m.type}`, () => this.onWorkerMessage(m)),
      onCrash: (reason) => this.onWorkerCrash(reason),
    });
    this.outbox = new WorkerOutbox({
      post: (m, transfer) => this.trainer.post(m, transfer),
      defer: (fn) =>
        setImmediate(() => {
          if (!this.disposed) this.busy.time('documentChunk', fn);
        }),
    });
    this.cursorSync = new CursorSync(
      (req) => this.busy.time('sendCursor', () => this.sendCursor(req)),
      CURSOR_INTERVAL_MS,
    );
    this.requests = new WorkerRequests(
      (m) => this.post(m),
      () => this.nextRequestId++,
    );
    this.overlays = new InsightOverlays({
      requests: this.requests,
      log,
      editor: () => (this.currentDocument() ? this.currentEditor : undefined),
      view: () => this.view,
      ready: (doc) => this.readyWithModel(doc),
      changed: () => this.pushInsight(),
      docId: (doc) => this.workerId(doc.uri.toString()),
    });
    this.lab = new LabController({
      requests: this.requests,
      log,
      settings: () => this.settings,
      editor: () => (this.currentDocument() ? this.currentEditor : undefined),
      ready: (doc) => this.readyWithModel(doc),
      sendDocument: (doc) => {
        this.ensureWorkerHasDocument(doc);
        return this.workerId(doc.uri.toString());
      },
      docId: (doc) => this.workerId(doc.uri.toString()),
      stopDocumentTraining: (uri) => {
        if (this.models.peek(uri)?.training.status !== 'training') return false;
        this.post({ type: 'stopTraining', docId: this.workerId(uri) });
        return true;
      },
      post: (m) => this.post(m),
      changed: () => this.panelState.mark('lab'),
      compareProgress: (points) => this.panelState.compareProgress(points),
    });
    this.suggestions = new LensInlineSuggestions({
      enabled: () => this.settings.inlineSuggestions,
      continuation: (doc, offset, length) => this.lab.continuation(doc, offset, length),
      log,
    });
    this.disposables.push(
      this.busy,
      this.settingsWatcher,
      this.statusBar,
      this.trainer,
      this.overlays,
      this.lab,
      this.panelState,
      { dispose: () => this.cursorSync.dispose() },
      vscode.window.onDidChangeActiveTextEditor((e) => this.busy.time('activeEditor', () => this.onActiveEditor(e))),
      vscode.window.onDidChangeTextEditorSelection((e) => this.busy.time('selection', () => this.onSelection(e))),
      vscode.workspace.onDidChangeTextDocument((e) => this.busy.time('documentChange', () => this.onDocumentChange(e))),
      vscode.workspace.onDidCloseTextDocument((d) => this.busy.time('documentClosed', () => this.onDocumentClosed(d))),
    );
    this.onActiveEditor(vscode.window.activeTextEditor);
  }

  private get settings(): LensSettings {
    return this.settingsWatcher.settings;
  }

  /** lstmLens.inlineSuggestions: ghost text from the document's model. */
  get inlineSuggestionsEnabled(): boolean {
    return this.settings.inlineSuggestions;
  }

  // ───────────────────────────── commands ─────────────────────────────

  /** Opens (or reveals) the explorer beside the editor, for the active document, without taking focus. */
  async openExplorer(): Promise<void> {
    const editor = this.trackableActiveEditor() ?? this.currentEditor;
    if (!editor) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('LSTM Lens: open a text document first, then run "Open Explorer" again.'),
      );
      return;
    }
    this.setCurrentEditor(editor);
    const column = besideColumn(editor);
    if (this.panel) this.panel.reveal(column);
    else this.attachPanel(ExplorerPanel.create(this.context.extensionUri, this.log, this.panelEvents(), column));
    this.panelState.sendSnapshot();
    const restored = await this.restoreSavedModel(editor.document);
    const model = this.models.get(editor.document.uri.toString());
    if (restored || model.hasModel || model.training.status !== 'untrained') return;
    if (this.settings.autoTrain) this.train(false);
    else {
      const problem = this.modelabilityProblem(editor.document);
      if (problem) {
        this.models.setStatus(model.uri, 'untrained', problem);
        this.pushTraining(model.uri);
      }
    }
  }

  /** Loads the model saved for this document, once per session; true when one is (being) loaded. */
  private restoreSavedModel(doc: vscode.TextDocument): Promise<boolean> {
    const uri = doc.uri.toString();
    const model = this.models.get(uri);
    if (model.hasModel || model.training.status !== 'untrained') return Promise.resolve(model.hasModel);
    if (!isPersistable(uri)) return Promise.resolve(false);
    let attempt = this.restoreTried.get(uri);
    if (!attempt) {
      attempt = this.store.load(uri).then((saved) => {
        if (!saved || doc.isClosed) return false;
        this.ensureWorkerHasDocument(doc);
        const requestId = this.nextRequestId++;
        const hash = textHash(doc.getText());
        this.pendingTransfers.set(requestId, { kind: 'import', uri, hash: saved.meta.textHash });
        this.outbox.post(
          { type: 'importModel', docId: this.workerId(uri), requestId, json: saved.json, weights: saved.weights },
          [saved.weights],
        );
        const same = hash === saved.meta.textHash;
        this.models.setStatus(
          uri,
          'done',
          same
            ? vscode.l10n.t('Loaded the saved model for this document.')
            : vscode.l10n.t('Loaded the saved model; it was trained on an earlier version of this document.'),
        );
        const m = this.models.get(uri);
        m.training = { ...m.training, curve: [], latest: null };
        this.pushTraining(uri);
        return true;
      });
      this.restoreTried.set(uri, attempt);
    }
    return attempt;
  }

  /** Asks the worker for the model's weights, to save them (after training stops or finishes). */
  private exportForSaving(uri: string): void {
    if (!isPersistable(uri)) return;
    const requestId = this.nextRequestId++;
    this.pendingTransfers.set(requestId, { kind: 'export', uri, hash: '' });
    this.post({ type: 'exportModel', docId: this.workerId(uri), requestId });
  }

  /** Starts training on the current document (resume continues from the current weights). */
  train(resume: boolean): void {
    this.busy.time('train', () => this.startTraining(resume));
  }

  private startTraining(resume: boolean): void {
    const doc = this.currentDocument();
    if (!doc) return;
    const uri = doc.uri.toString();
    const problem = this.modelabilityProblem(doc);
    if (problem) {
      this.models.setStatus(uri, 'untrained', problem);
      this.pushTraining(uri);
      return;
    }
    this.ensureWorkerHasDocument(doc);
    // One training at a time: the worker has one core to spare, and the user watches one document.
    for (const other of this.models.all())
      if (other.uri !== uri && other.training.status === 'training')
        this.post({ type: 'stopTraining', docId: other.docId });
    const s = this.settings;
    this.post({
      type: 'train',
      docId: this.workerId(uri),
      model: toModelConfig(s),
      training: toTrainingConfig(s),
      resume,
      ...(this.divergenceForTesting === undefined ? {} : { faultAtStepForTesting: this.divergenceForTesting }),
    });
    this.divergenceForTesting = undefined;
    if (!resume) this.models.reset(uri); // a fresh model starts a fresh curve
    this.models.setStatus(uri, 'training', null);
    this.pushTraining(uri);
  }

  /** The palette's "Train / Retrain": trains, or asks whether to continue or start over when a model exists. */
  async trainCommand(): Promise<void> {
    const uri = this.currentUri;
    if (!uri || !this.currentDocument()) {
      void vscode.window.showInformationMessage(vscode.l10n.t('LSTM Lens: open a text document first.'));
      return;
    }
    const model = this.models.get(uri);
    if (model.training.status === 'training') return;
    if (!model.hasModel) {
      this.train(false);
      return;
    }
    const resume = vscode.l10n.t('Continue training');
    const restart = vscode.l10n.t('Retrain from scratch');
    const pick = await vscode.window.showQuickPick([resume, restart], {
      placeHolder: vscode.l10n.t('This document already has a model.'),
    });
    if (pick === resume) this.train(true);
    else if (pick === restart) {
      this.resetModel();
      this.train(false);
    }
  }

  stopTraining(): void {
    const uri = this.currentUri;
    if (uri) this.post({ type: 'stopTraining', docId: this.workerId(uri) });
  }

  resetModel(): void {
    const uri = this.currentUri;
    if (!uri) return;
    this.post({ type: 'stopTraining', docId: this.workerId(uri) });
    this.post({ type: 'disposeDocument', docId: this.workerId(uri) });
    const m = this.models.reset(uri);
    this.models.renew(uri);
    m.workerVersion = undefined;
    this.insight.delete(uri);
    this.lab.forget(uri);
    this.panelState.mark('insight', 'lab', 'prediction');
    this.overlays.schedule(0);
    void this.store.delete(uri);
    this.lastPrediction = null;
    this.pushTraining(uri);
  }

  // ─────────────────────────── serializer ───────────────────────────

  /** Adopts a panel restored after a window reload, with its view state. */
  revivePanel(panel: vscode.WebviewPanel, state: PersistedPanelState | undefined): void {
    const view = parseViewState(state?.view);
    if (view) this.view = view;
    if (!this.currentEditor && state?.docUri) {
      const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === state.docUri);
      if (editor) this.setCurrentEditor(editor);
    }
    this.attachPanel(ExplorerPanel.revive(panel, this.context.extensionUri, this.log, this.panelEvents()));
    const doc = this.currentDocument();
    if (doc) void this.restoreSavedModel(doc);
  }

  // ───────────────────────────── panel ─────────────────────────────

  private attachPanel(panel: ExplorerPanel): void {
    this.panel = panel;
    this.webviewReady = false;
    void vscode.commands.executeCommand('setContext', 'lstmLens.explorerOpen', true);
  }

  private panelEvents() {
    return {
      onMessage: (m: WebviewToHost) => this.busy.time(`webview:${m.type}`, () => this.onWebviewMessage(m)),
      onVisible: () => this.panelState.sendSnapshot(),
      onDispose: () => {
        this.panel = undefined;
        this.webviewReady = false;
        void vscode.commands.executeCommand('setContext', 'lstmLens.explorerOpen', false);
      },
    };
  }

  private onWebviewMessage(message: WebviewToHost): void {
    switch (message.type) {
      case 'ready':
        this.webviewReady = true;
        this.panelState.sendSnapshot();
        break;
      case 'command':
        switch (message.command) {
          case 'train':
            this.train(true);
            break;
          case 'retrain':
            this.resetModel();
            this.train(false);
            break;
          case 'stop':
            this.stopTraining();
            break;
          case 'reset':
            this.resetModel();
            break;
          case 'overlayActivation':
            this.setOverlay('activation');
            break;
          case 'overlaySurprisal':
            this.setOverlay('surprisal');
            break;
          case 'overlayOff':
            this.setOverlay('none');
            break;
          case 'labelUnits':
            void this.labelUnits();
            break;
          case 'findUnits':
            void this.findUnits('high');
            break;
          default:
            assertNever(message.command, 'webview command');
        }
        break;
      case 'viewState':
        this.view = message.view;
        this.overlays.schedule();
        break;
      case 'painted':
        this.log.trace(`painted v${message.version}@${message.offset} in ${message.ms.toFixed(1)} ms`);
        break;
      case 'sample':
        void this.lab.sample(message.temperature);
        break;
      case 'measureMemory':
        void this.lab.measureMemory();
        break;
      case 'followMemory':
        this.lab.followMemory(message.on);
        break;
      case 'intervene':
        void this.lab.intervene(message.spec, message.temperature);
        break;
      case 'resetIntervention':
        this.lab.resetIntervention();
        break;
      case 'compareCells':
        void this.lab.compare(message.match);
        break;
      case 'stopCompare':
        this.lab.stopCompare();
        break;
      default:
        assertNever(message);
    }
  }

  private predictionMatchesCursor(): boolean {
    const p = this.lastPredictionFor;
    const c = this.lastCursor;
    return !!p && !!c && p.version === c.version && p.offset === c.offset;
  }

  /** The full state, for a webview that has just (re)loaded. */
  snapshot(): PanelSnapshot {
    const doc = this.currentDocument();
    return {
      document: doc ? documentInfo(doc) : null,
      cursor: this.lastCursor,
      training: this.currentUri ? this.models.get(this.currentUri).training : null,
      // Only an answer for the cursor shown: the webview takes a snapshot's prediction as current.
      prediction: this.predictionMatchesCursor() ? this.lastPrediction : null,
      view: this.view,
      settings: { topK: this.settings.topK, contextWindow: this.settings.contextWindow },
      insight: this.insightSnapshot(),
      lab: this.lab.snapshot(this.currentUri),
      strings: webviewStrings(),
    };
  }

  private pushTraining(uri: string): void {
    if (uri !== this.currentUri) return;
    this.statusBar.show(this.models.get(uri).training);
    this.updateContextKeys();
    this.panelState.mark('training');
  }

  /** Context keys for `when` clauses: commands show in the palette only where they apply. */
  private updateContextKeys(): void {
    const status = this.currentUri ? this.models.get(this.currentUri).training.status : 'untrained';
    void vscode.commands.executeCommand('setContext', 'lstmLens.hasDocument', this.currentUri !== undefined);
    void vscode.commands.executeCommand('setContext', 'lstmLens.status', status);
    const hasModel = this.currentUri ? (this.models.peek(this.currentUri)?.hasModel ?? false) : false;
    void vscode.commands.executeCommand('setContext', 'lstmLens.hasModel', hasModel);
  }

  // ─────────────────────────── editor tracking ───────────────────────────

  private trackableActiveEditor(): vscode.TextEditor | undefined {
    const e = vscode.window.activeTextEditor;
    return e && isTrackable(e.document) ? e : undefined;
  }

  private currentDocument(): vscode.TextDocument | undefined {
    const doc = this.currentEditor?.document;
    return doc && !doc.isClosed ? doc : undefined;
  }

  private onActiveEditor(editor: vscode.TextEditor | undefined): void {
    // Focus moving into the webview (or an output pane) leaves editor undefined: keep the last one.
    if (!editor || !isTrackable(editor.document)) return;
    this.setCurrentEditor(editor);
  }

  private setCurrentEditor(editor: vscode.TextEditor): void {
    const uri = editor.document.uri.toString();
    const known = this.models.peek(uri);
    // VS Code reports closing a document late; a new document object behind a known URI (a reused
    // "Untitled-1", a file closed and reopened) means the old one is gone.
    const replaced = !!known?.document && known.document !== editor.document;
    if (replaced) this.forgetDocument(editor.document.uri);
    this.models.get(uri).document = editor.document;
    const switched = uri !== this.currentUri || replaced;
    this.currentEditor = editor;
    this.currentUri = uri;
    this.statusBar.show(this.models.get(uri).training);
    this.updateContextKeys();
    if (!switched) return;
    this.lastCursor = null;
    this.lastPrediction = null;
    this.lab.documentShown();
    this.panelState.mark('document', 'training', 'lab', 'insight');
    this.requestCursor(editor);
    if (this.panel) void this.restoreSavedModel(editor.document);
    this.overlays.schedule(0);
  }

  private onSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    if (!isTrackable(e.textEditor.document)) return;
    if (e.textEditor.document.uri.toString() !== this.currentUri) this.setCurrentEditor(e.textEditor);
    else {
      this.currentEditor = e.textEditor;
      this.requestCursor(e.textEditor);
    }
  }

  private requestCursor(editor: vscode.TextEditor): void {
    const doc = editor.document;
    this.cursorSync.update({
      docUri: doc.uri.toString(),
      version: doc.version,
      offset: doc.offsetAt(editor.selection.active),
    });
  }

  private onDocumentChange(e: vscode.TextDocumentChangeEvent): void {
    const uri = e.document.uri.toString();
    const model = this.models.peek(uri);
    if (model?.workerVersion !== undefined && e.contentChanges.length > 0) {
      if (documentLength(e.document) > MAX_MODEL_CHARS) {
        // Grew past the limit (a huge paste): the worker lets go of it and the model with it.
        this.post({ type: 'stopTraining', docId: this.workerId(uri) });
        this.post({ type: 'disposeDocument', docId: this.workerId(uri) });
        model.workerVersion = undefined;
        this.models.reset(uri);
        this.models.setStatus(uri, 'untrained', this.modelabilityProblem(e.document));
        this.pushTraining(uri);
      } else if (e.contentChanges.length === 1) {
        const c = e.contentChanges[0];
        this.post({
          type: 'editDocument',
          docId: model.docId,
          version: e.document.version,
          edits: [{ offset: c.rangeOffset, deleteCount: c.rangeLength, text: c.text }],
        });
        model.workerVersion = e.document.version;
      } else {
        // Multi-cursor edits: resending the text is simpler than ordering the changes and costs little.
        this.outbox.sendText(model.docId, e.document.version, e.document.getText());
        model.workerVersion = e.document.version;
      }
    }
    if (uri === this.currentUri) {
      this.panelState.mark('document');
      if (this.currentEditor) this.requestCursor(this.currentEditor);
    }
  }

  private onDocumentClosed(doc: vscode.TextDocument): void {
    const model = this.models.peek(doc.uri.toString());
    if (model?.document === doc) this.forgetDocument(doc.uri);
  }

  /**
   * The worker forgets the text and the model; a saved model comes back from storage on reopen.
   * An untitled document's name is reused for the next one, so nothing of it is kept.
   */
  private forgetDocument(docUri: vscode.Uri): void {
    const uri = docUri.toString();
    const model = this.models.peek(uri);
    if (!model) return;
    if (model.training.status === 'training') this.post({ type: 'stopTraining', docId: this.workerId(uri) });
    this.post({ type: 'disposeDocument', docId: this.workerId(uri) });
    this.restoreTried.delete(uri);
    this.latestRequest.delete(uri);
    this.lab.closed(uri);
    if (docUri.scheme === 'untitled') {
      this.models.delete(uri);
      this.insight.delete(uri);
    } else {
      this.models.reset(uri);
      this.models.renew(uri);
      model.workerVersion = undefined;
      model.document = undefined;
    }
  }

  // ───────────────────────────── cursor ─────────────────────────────

  private sendCursor(req: CursorRequest): void {
    const doc = this.currentDocument();
    if (!doc || doc.uri.toString() !== req.docUri) return;
    const position = doc.positionAt(req.offset); // clamps to the document
    const offset = doc.offsetAt(position);
    const window = this.settings.contextWindow;
    const startOffset = Math.max(0, offset - window);
    const before = doc.getText(new vscode.Range(doc.positionAt(startOffset), position));
    const next = doc.getText(new vscode.Range(position, doc.positionAt(offset + 2)));
    const cursor: CursorInfo = {
      version: doc.version,
      offset,
      line: position.line,
      character: position.character,
      before,
      next: firstCodePoint(next),
    };
    this.lastCursor = cursor;
    const model = this.models.peek(req.docUri);
    if (!model?.hasModel) this.panelState.mark('cursor');
    else {
      this.panelState.markCursorAwaitingPrediction();
      this.ensureWorkerHasDocument(doc);
      const requestId = this.nextRequestId++;
      this.latestRequest.set(req.docUri, requestId);
      this.post({
        type: 'predict',
        docId: this.workerId(req.docUri),
        requestId,
        version: doc.version,
        offset,
        topK: this.settings.topK,
        context: window,
      });
    }
  }

  // ───────────────────────────── worker ─────────────────────────────

  /** The worker's name for the document at this URI. */
  workerId(uri: string): string {
    return this.models.get(uri).docId;
  }

  private post(message: HostToWorker): void {
    this.outbox.post(message);
  }

  /** Why this document can't be modelled (empty, too short, too large), localised; null when it can. */
  private modelabilityProblem(doc: vscode.TextDocument): string | null {
    const check = modelability(documentLength(doc), this.settings.sequenceLength);
    if (check.ok) return null;
    switch (check.reason) {
      case 'empty':
        return vscode.l10n.t('This document is empty: type or paste some text, then press Train.');
      case 'tooShort':
        return vscode.l10n.t(
          'This document is too short to learn from ({0} characters; LSTM Lens needs at least {1}). Add text, then press Train.',
          String(check.length),
          String(check.minimum),
        );
      case 'tooLarge':
        return vscode.l10n.t(
          'This document is too large for LSTM Lens ({0} million characters; the limit is {1} million). Open a smaller file or copy a part of it into a new one.',
          (check.length / 1e6).toFixed(1),
          String(check.maximum / 1e6),
        );
      default:
        return assertNever(check, 'modelability');
    }
  }

  /** True when the document has a model; the worker then also has the document's current text. */
  private readyWithModel(doc: vscode.TextDocument): boolean {
    if (!this.models.peek(doc.uri.toString())?.hasModel) return false;
    this.ensureWorkerHasDocument(doc);
    return true;
  }

  private ensureWorkerHasDocument(doc: vscode.TextDocument): void {
    const m = this.models.get(doc.uri.toString());
    if (m.workerVersion === doc.version) return;
    if (documentLength(doc) > MAX_MODEL_CHARS) return; // never copied to the worker (see documentLimits.ts)
    // The worker has this version once the outbox has sent it; what is posted meanwhile waits behind it.
    this.outbox.sendText(m.docId, doc.version, doc.getText());
    m.workerVersion = doc.version;
  }

  private onWorkerMessage(message: WorkerToHost): void {
    if (this.disposed) return;
    switch (message.type) {
      case 'ready':
        this.log.info(`Trainer ready: ${message.backend} (${message.detail})`);
        this.models.backend = message.backend;
        for (const m of this.models.all()) m.training = { ...m.training, backend: message.backend };
        break;
      case 'trainingStatus': {
        const uri = this.models.byWorkerId(message.docId)?.uri;
        if (!uri) return; // about a document the worker was told to forget
        const wasTraining = this.models.get(uri).training.status === 'training';
        const keepMessage = message.status === 'done' && this.justImported.delete(uri);
        const text = keepMessage ? this.models.get(uri).training.message : message.message;
        this.models.setStatus(uri, message.status, text);
        if (wasTraining && (message.status === 'done' || message.status === 'stopped')) {
          this.exportForSaving(uri);
          if (uri === this.currentUri) void this.labelUnits();
        }
        if (uri === this.currentUri) this.overlays.schedule(0);
        if (message.message) this.log.info(`[${uri}] ${message.status}: ${message.message}`);
        this.pushTraining(uri);
        // A freshly usable model: answer for the cursor where it is.
        if (uri === this.currentUri && this.currentEditor) this.requestCursor(this.currentEditor);
        break;
      }
      case 'trainingProgress': {
        const uri = this.models.byWorkerId(message.docId)?.uri;
        if (!uri) return;
        this.models.addProgress(uri, message.progress);
        this.pushTraining(uri);
        if (uri !== this.currentUri) break;
        // The worker refreshes its inference weights as it trains: ask again so the panel learns live.
        if (this.currentEditor && (this.panel?.visible || !this.predictionMatchesCursor()))
          this.requestCursor(this.currentEditor);
        if (this.overlays.kind !== 'none') this.overlays.schedule(500);
        break;
      }
      case 'prediction': {
        const uri = this.models.byWorkerId(message.docId)?.uri;
        if (!uri || uri !== this.currentUri) return;
        if (this.latestRequest.get(uri) !== message.requestId) return; // stale
        this.lastPrediction = message.prediction;
        this.lastPredictionFor = { version: message.version, offset: message.offset };
        this.panelState.predictionArrived();
        break;
      }
      case 'modelExported': {
        const pending = this.pendingTransfers.get(message.requestId);
        this.pendingTransfers.delete(message.requestId);
        if (!pending) return;
        const m = this.models.get(pending.uri);
        // The worker hashed the text it trained on (the host never hashes a whole document while training).
        const hash = trainedTextHash(message.json);
        if (!hash) {
          this.log.warn(`Not saving the model for ${pending.uri}: it names no training text`);
          return;
        }
        void this.store
          .save({
            meta: {
              uri: pending.uri,
              textHash: hash,
              savedAt: Date.now(),
              heldOutBpc: m.training.latest?.heldOutBpc ?? null,
              steps: m.training.latest?.step ?? 0,
            },
            json: message.json,
            weights: message.weights,
          })
          .catch((err: Error) => this.log.error(`Could not save the model for ${pending.uri}: ${err.message}`));
        break;
      }
      case 'modelImported': {
        const pending = this.pendingTransfers.get(message.requestId);
        this.pendingTransfers.delete(message.requestId);
        if (pending) this.justImported.add(pending.uri);
        if (pending?.uri === this.currentUri && this.currentEditor) {
          this.requestCursor(this.currentEditor);
          void this.labelUnits(); // a restored model gets its labels too
        }
        break;
      }
      case 'unitValues':
      case 'surprisal':
      case 'alternatives':
      case 'unitMatches':
      case 'unitLabels':
      case 'sampled':
      case 'intervention':
      case 'memorySpan':
      case 'longRange':
      case 'compareDone':
        if (!this.requests.settle(message)) this.log.trace(`late ${message.type} answer dropped`);
        break;
      case 'compareProgress':
        this.lab.onCompareProgress(message);
        break;
      case 'requestFailed': {
        if (this.requests.settle(message)) break;
        this.log.warn(`[${message.docId}] request ${message.requestId} failed: ${message.message}`);
        const pending = this.pendingTransfers.get(message.requestId);
        this.pendingTransfers.delete(message.requestId);
        if (pending?.kind === 'import') {
          const m = this.models.reset(pending.uri);
          m.training = {
            ...m.training,
            message: vscode.l10n.t(
              'The saved model could not be loaded ({0}). Train again to replace it.',
              message.message,
            ),
          };
          void this.store.delete(pending.uri);
          this.pushTraining(pending.uri);
          void vscode.window
            .showWarningMessage(
              vscode.l10n.t('LSTM Lens: the saved model for this document could not be loaded: {0}', message.message),
              vscode.l10n.t('Retrain'),
            )
            .then((choice) => {
              if (choice && pending.uri === this.currentUri) this.train(false);
            });
        }
        break;
      }
      case 'log':
        this.log[message.level](`[worker] ${message.message}`);
        break;
      default:
        assertNever(message);
    }
  }

  private onWorkerCrash(reason: string): void {
    this.outbox.cancelAll(); // what waited behind a text would reach a fresh worker that has no documents
    this.requests.failAll(reason);
    // The worker's memory is gone: every document must be re-sent and every model retrained or reloaded.
    for (const m of this.models.all()) {
      m.workerVersion = undefined;
      if (m.hasModel || m.training.status === 'training') this.models.setStatus(m.uri, 'failed', reason);
      m.hasModel = false;
    }
    if (this.currentUri) this.pushTraining(this.currentUri);
  }

  private onSettingsChanged(_settings: LensSettings): void {
    this.panelState.mark('settings');
  }

  // ───────────────────────────── lab ─────────────────────────────

  /** Lets the model write on from the cursor (issue 7's sampling), shows it in the panel, and returns it. */
  sampleAtCursor(temperature: number, length = 200): Promise<string | undefined> {
    return this.lab.sample(temperature, length);
  }

  /** The palette's "Write On from the Cursor": opens the panel if needed and samples there. */
  async writeOnCommand(): Promise<void> {
    if (!this.panel) await this.openExplorer();
    await this.lab.sample(0.8);
  }

  /** The palette's "Compare Cells": asks what to hold equal, then trains the three cells. */
  async compareCellsCommand(): Promise<void> {
    if (!this.currentDocument()) {
      void vscode.window.showInformationMessage(vscode.l10n.t('LSTM Lens: open a text document first.'));
      return;
    }
    const params = {
      label: vscode.l10n.t('Same number of parameters'),
      detail: vscode.l10n.t('Hidden sizes differ so each cell has about as many weights as the LSTM (a fair budget).'),
      match: 'params' as const,
    };
    const hidden = {
      label: vscode.l10n.t('Same hidden size'),
      detail: vscode.l10n.t(
        'Every cell gets {0} units; the LSTM then has about four times as many weights as the RNN.',
        String(this.settings.hiddenSize),
      ),
      match: 'hidden' as const,
    };
    const pick = await vscode.window.showQuickPick([params, hidden], {
      placeHolder: vscode.l10n.t('Compare RNN, GRU and LSTM with the same…'),
    });
    if (!pick) return;
    if (!this.panel) await this.openExplorer();
    await this.lab.compare(pick.match);
  }

  /** The palette's memory-span toggle: follows the cursor with the editor overlay and the panel strip. */
  toggleMemoryOverlay(): void {
    this.lab.followMemory(!this.lab.following);
  }

  // ───────────────────────────── insight ─────────────────────────────

  private insightFor(uri: string): Omit<InsightSnapshot, 'overlay'> {
    let i = this.insight.get(uri);
    if (!i) {
      const { overlay: _overlay, ...rest } = EMPTY_INSIGHT;
      i = { ...rest, labels: [], matches: [] };
      this.insight.set(uri, i);
    }
    return i;
  }

  private insightSnapshot(): InsightSnapshot {
    const rest = this.currentUri ? this.insightFor(this.currentUri) : EMPTY_INSIGHT;
    return { ...rest, overlay: this.overlays.kind };
  }

  private pushInsight(): void {
    this.panelState.mark('insight');
  }

  /** Turns an editor overlay on or off; the activation overlay needs a pinned unit (the best label, if none). */
  setOverlay(kind: OverlayKind): void {
    if (kind === 'activation' && this.view.pinnedUnit === null) {
      const best = this.currentUri ? this.insightFor(this.currentUri).labels[0] : undefined;
      if (!best) {
        void vscode.window.showInformationMessage(
          vscode.l10n.t('LSTM Lens: pin a unit in the panel first (click a cell), then colour the text by it.'),
        );
        return;
      }
      this.view = { selectedGate: best.gate, pinnedUnit: best.unit, pinnedLayer: best.layer };
      this.panelState.mark('view');
    }
    this.overlays.set(kind);
  }

  toggleOverlay(kind: Exclude<OverlayKind, 'none'>): void {
    this.setOverlay(this.overlays.kind === kind ? 'none' : kind);
  }

  /** Pins a unit (from a label or a match) and shows its activation over the text. */
  pinUnit(layer: number, gate: ViewState['selectedGate'], unit: number): void {
    this.view = { selectedGate: gate, pinnedUnit: unit, pinnedLayer: layer };
    this.panelState.mark('view');
    this.overlays.set('activation');
    this.overlays.schedule(0);
  }

  /** Correlates every unit with lexical features on held-out text (automatic labels). */
  async labelUnits(): Promise<void> {
    const doc = this.currentDocument();
    const uri = doc?.uri.toString();
    if (!doc || !uri || !this.models.peek(uri)?.hasModel) return;
    const info = this.insightFor(uri);
    info.labelsState = 'computing';
    info.note = null;
    this.pushInsight();
    try {
      this.ensureWorkerHasDocument(doc);
      const answer = await this.requests.request(
        { type: 'labelUnits', docId: this.workerId(uri), languageId: doc.languageId },
        'unitLabels',
        120_000,
      );
      info.labels = answer.labels;
      info.family = answer.family;
      info.labelsState = 'ready';
      info.note = vscode.l10n.t(
        'Pearson r over {0} held-out characters ({1} scanner).',
        String(answer.tokens),
        answer.family,
      );
    } catch (err) {
      info.labelsState = 'failed';
      info.note = (err as Error).message;
    }
    this.pushInsight();
  }

  /** LSTMVis-style hypothesis search: units high (or low) inside the selected text and not outside it. */
  async findUnits(direction?: MatchDirection): Promise<void> {
    const editor = this.currentEditor;
    const doc = this.currentDocument();
    const uri = doc?.uri.toString();
    if (!editor || !doc || !uri) return;
    if (!this.models.peek(uri)?.hasModel) {
      void vscode.window.showInformationMessage(vscode.l10n.t('LSTM Lens: train a model on this document first.'));
      return;
    }
    const selections = editor.selections
      .filter((sel) => !sel.isEmpty)
      .map((sel) => ({ start: doc.offsetAt(sel.start), end: doc.offsetAt(sel.end) }));
    if (selections.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('LSTM Lens: select one or more examples in the editor (e.g. every string), then run this again.'),
      );
      return;
    }
    if (!direction) {
      const high = vscode.l10n.t('High inside the selection');
      const low = vscode.l10n.t('Low inside the selection');
      const pick = await vscode.window.showQuickPick([high, low], {
        placeHolder: vscode.l10n.t('Find units that are…'),
      });
      if (!pick) return;
      direction = pick === high ? 'high' : 'low';
    }
    this.ensureWorkerHasDocument(doc);
    let answer;
    try {
      const request = {
        type: 'findUnits',
        docId: this.workerId(uri),
        version: doc.version,
        selections,
        direction,
      } as const;
      answer = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('LSTM Lens: ranking units…') },
        () => this.requests.request(request, 'unitMatches', 30_000),
      );
    } catch (err) {
      void vscode.window.showWarningMessage(vscode.l10n.t('LSTM Lens: {0}', (err as Error).message));
      return;
    }
    const info = this.insightFor(uri);
    info.matches = answer.matches;
    info.note = vscode.l10n.t(
      '{0} characters inside the selection compared with {1} around it.',
      String(answer.insideTokens),
      String(answer.outsideTokens),
    );
    this.pushInsight();
    const items = answer.matches.map((m) => ({
      label: vscode.l10n.t('Unit {0} ({1}, layer {2})', String(m.unit), m.gate, String(m.layer + 1)),
      description: `AUC ${m.score.toFixed(2)} · d ${m.effect.toFixed(2)}`,
      detail: vscode.l10n.t('mean inside {0}, outside {1}', m.meanInside.toFixed(2), m.meanOutside.toFixed(2)),
      match: m,
    }));
    const chosen = await vscode.window.showQuickPick(items, {
      placeHolder: vscode.l10n.t('Units ranked by how well they separate your selection; pick one to pin it'),
    });
    if (chosen) this.pinUnit(chosen.match.layer, chosen.match.gate, chosen.match.unit);
  }

  /** A read-only look at the controller's state, for integration tests and diagnostics. */
  inspect(): {
    currentUri: string | undefined;
    panelOpen: boolean;
    webviewReady: boolean;
    snapshot: PanelSnapshot;
    workerRunning: boolean;
    settingsProblems: string[];
    storageRoot: string;
    busy: ReturnType<BusyMeter['snapshot']>;
    /** The longest document text one message to the worker carried (UTF-16 code units). */
    largestTextPosted: number;
    overlay: { kind: OverlayKind; refreshCount: number; lastRefreshMs: number };
  } {
    return {
      overlay: {
        kind: this.overlays.kind,
        refreshCount: this.overlays.refreshCount,
        lastRefreshMs: this.overlays.lastRefreshMs,
      },
      busy: this.busy.snapshot(),
      largestTextPosted: this.outbox.largestTextPosted,
      settingsProblems: this.settingsWatcher.problems,
      storageRoot: this.context.globalStorageUri.fsPath,
      currentUri: this.currentUri,
      panelOpen: this.panel !== undefined,
      webviewReady: this.webviewReady,
      snapshot: this.snapshot(),
      workerRunning: this.trainer.running,
    };
  }

  /**
   * Makes the next training run diverge: its loss reads NaN at `step`, inside the real worker and trainer
   * (for fault-injection tests; no command or setting reaches it).
   */
  injectDivergenceForTesting(step: number): void {
    this.divergenceForTesting = step;
  }

  /** Ends the worker as a crash would (for fault-injection tests). */
  async killWorkerForTesting(): Promise<void> {
    await this.trainer.simulateCrash();
  }

  dispose(): void {
    this.disposed = true;
    this.panel?.dispose();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

/** Documents worth modelling: text in an editor, not our own output or the SCM input box. */
export function isTrackable(doc: vscode.TextDocument): boolean {
  return !['output', 'vscode-scm', 'comment', 'debug'].includes(doc.uri.scheme);
}

/** The SHA-256 of the training text recorded in an exported model, or undefined. */
function trainedTextHash(modelJson: string): string | undefined {
  try {
    const hash: unknown = (JSON.parse(modelJson) as { textHash?: unknown }).textHash;
    return typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash) ? hash : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a model may be saved under this URI: an untitled document's name ("Untitled-1") is reused
 * by the next one, so its model would come back on an unrelated text.
 */
function isPersistable(uri: string): boolean {
  return !uri.startsWith('untitled:');
}

/** The document's length in UTF-16 code units, without copying its text. */
function documentLength(doc: vscode.TextDocument): number {
  return doc.offsetAt(new vscode.Position(doc.lineCount, 0));
}

function documentInfo(doc: vscode.TextDocument): DocumentInfo {
  return {
    uri: doc.uri.toString(),
    fileName: doc.uri.path.split('/').pop() || doc.uri.toString(),
    languageId: doc.languageId,
    version: doc.version,
    length: documentLength(doc),
    lineCount: doc.lineCount,
  };
}

/** The column to the right of the editor (a new one if it is the rightmost). */
function besideColumn(editor: vscode.TextEditor): vscode.ViewColumn {
  const col = editor.viewColumn ?? vscode.ViewColumn.One;
  return (col + 1) as vscode.ViewColumn;
}

function firstCodePoint(s: string): string {
  if (s.length === 0) return '';
  const cp = s.codePointAt(0)!;
  return String.fromCodePoint(cp);
}

export { EXPLORER_VIEW_TYPE };
