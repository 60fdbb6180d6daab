// Which documents LSTM Lens tracks and which one the panel shows (the last text editor that had focus),
// with events when that changes, the cursor moves or the text changes; keeps the worker's copy of each
// text in step, and forgets a document (in the worker too) when it closes.

import * as vscode from 'vscode';
import type { DocumentInfo } from '../../shared/protocol';
import { DocumentSession } from './documentSession';
import { MAX_MODEL_CHARS } from './documentLimits';
import type { BusyMeter } from './busyMeter';
import type { TrainerChannel } from './trainerChannel';

export class DocumentRegistry implements vscode.Disposable {
  private readonly sessions = new Map<string, DocumentSession>();
  private readonly byDocId = new Map<string, DocumentSession>();
  private generation = 0;
  /** The worker's compute backend, once it has said (shown with every model). */
  backend: string | null = null;
  private editor: vscode.TextEditor | undefined;
  private currentUri: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly followed = new vscode.EventEmitter<{ session: DocumentSession; switched: boolean }>();
  private readonly cursorMoved = new vscode.EventEmitter<vscode.TextEditor>();
  private readonly edited = new vscode.EventEmitter<DocumentSession>();
  private readonly forgotten = new vscode.EventEmitter<DocumentSession>();
  private readonly tooLarge = new vscode.EventEmitter<{ session: DocumentSession; document: vscode.TextDocument }>();
  /**
   * The followed editor was set again; `switched` when the panel now shows another document (or the same
   * URI behind a new document object).
   */
  readonly onDidFollow = this.followed.event;
  /** The cursor moved in the shown document's editor, or its text changed (not fired for a switch). */
  readonly onDidMoveCursor = this.cursorMoved.event;
  /** The shown document's text changed (the worker has been told). */
  readonly onDidEditCurrent = this.edited.event;
  /** A document was closed or replaced: the worker forgot it; features drop what they kept for it. */
  readonly onDidForget = this.forgotten.event;
  /** A document with a model grew past the size limit: the worker let go of its text and model. */
  readonly onDidOutgrow = this.tooLarge.event;

  constructor(
    private readonly trainer: TrainerChannel,
    busy: BusyMeter,
  ) {
    this.disposables.push(
      this.followed,
      this.cursorMoved,
      this.edited,
      this.forgotten,
      this.tooLarge,
      vscode.window.onDidChangeActiveTextEditor((e) => busy.time('activeEditor', () => this.onActiveEditor(e))),
      vscode.window.onDidChangeTextEditorSelection((e) => busy.time('selection', () => this.onSelection(e))),
      vscode.workspace.onDidChangeTextDocument((e) => busy.time('documentChange', () => this.onDocumentChange(e))),
      vscode.workspace.onDidCloseTextDocument((d) => busy.time('documentClosed', () => this.onDocumentClosed(d))),
    );
  }

  /** Starts following the active editor (after every feature has subscribed). */
  start(): void {
    this.onActiveEditor(vscode.window.activeTextEditor);
  }

  // ───────────────────────────── sessions ─────────────────────────────

  session(uri: string): DocumentSession {
    let s = this.sessions.get(uri);
    if (!s) {
      s = new DocumentSession(uri, this.newDocId(uri), this.backend);
      this.sessions.set(uri, s);
      this.byDocId.set(s.docId, s);
    }
    return s;
  }

  peek(uri: string): DocumentSession | undefined {
    return this.sessions.get(uri);
  }

  all(): DocumentSession[] {
    return [...this.sessions.values()];
  }

  /** The session a worker message is about; undefined for a document the worker was told to forget. */
  byWorkerId(docId: string): DocumentSession | undefined {
    return this.byDocId.get(docId);
  }

  /** The worker forgets the document's text and model; the session gets a fresh worker name. */
  disposeInWorker(session: DocumentSession): void {
    if (session.training.status === 'training') this.trainer.notify('stopTraining', { docId: session.docId });
    this.trainer.notify('disposeDocument', { docId: session.docId });
    this.byDocId.delete(session.docId);
    session.docId = this.newDocId(session.uri);
    this.byDocId.set(session.docId, session);
    session.workerVersion = undefined;
  }

  /** Sends the document's current text to the worker unless it has that version (or it is too large). */
  sync(doc: vscode.TextDocument): DocumentSession {
    const s = this.session(doc.uri.toString());
    if (s.workerVersion === doc.version) return s;
    if (documentLength(doc) > MAX_MODEL_CHARS) return s; // never copied to the worker (see documentLimits.ts)
    // The worker has this version once the trainer has sent it; what is posted meanwhile waits behind it.
    this.trainer.sendText(s.docId, doc.version, doc.getText());
    s.workerVersion = doc.version;
    return s;
  }

  /** True when the document has a model; the worker then also has the document's current text. */
  readyWithModel(doc: vscode.TextDocument): boolean {
    if (!this.peek(doc.uri.toString())?.hasModel) return false;
    this.sync(doc);
    return true;
  }

  private newDocId(uri: string): string {
    return `${uri}#${++this.generation}`;
  }

  // ─────────────────────────── the shown document ───────────────────────────

  /** The editor the panel follows (undefined when its document has closed). */
  get currentEditor(): vscode.TextEditor | undefined {
    return this.currentDocument ? this.editor : undefined;
  }

  /** The editor last followed, even if its document has closed since (the explorer opens for it). */
  get lastEditor(): vscode.TextEditor | undefined {
    return this.editor;
  }

  get currentDocument(): vscode.TextDocument | undefined {
    const doc = this.editor?.document;
    return doc && !doc.isClosed ? doc : undefined;
  }

  get current(): DocumentSession | undefined {
    return this.currentUri === undefined ? undefined : this.session(this.currentUri);
  }

  get currentUriString(): string | undefined {
    return this.currentUri;
  }

  /** The active editor, when it holds a document worth modelling. */
  trackableActiveEditor(): vscode.TextEditor | undefined {
    const e = vscode.window.activeTextEditor;
    return e && isTrackable(e.document) ? e : undefined;
  }

  /** Follows this editor (the panel shows its document). */
  follow(editor: vscode.TextEditor): void {
    const uri = editor.document.uri.toString();
    const known = this.peek(uri);
    // VS Code reports closing a document late; a new document object behind a known URI (a reused
    // "Untitled-1", a file closed and reopened) means the old one is gone.
    const replaced = !!known?.document && known.document !== editor.document;
    if (replaced) this.forget(editor.document.uri);
    const session = this.session(uri);
    session.document = editor.document;
    const switched = uri !== this.currentUri || replaced;
    this.editor = editor;
    this.currentUri = uri;
    this.followed.fire({ session, switched });
  }

  private onActiveEditor(editor: vscode.TextEditor | undefined): void {
    // Focus moving into the webview (or an output pane) leaves editor undefined: keep the last one.
    if (!editor || !isTrackable(editor.document)) return;
    this.follow(editor);
  }

  private onSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    if (!isTrackable(e.textEditor.document)) return;
    if (e.textEditor.document.uri.toString() !== this.currentUri) this.follow(e.textEditor);
    else {
      this.editor = e.textEditor;
      this.cursorMoved.fire(e.textEditor);
    }
  }

  private onDocumentChange(e: vscode.TextDocumentChangeEvent): void {
    const uri = e.document.uri.toString();
    const session = this.peek(uri);
    if (session?.workerVersion !== undefined && e.contentChanges.length > 0) {
      if (documentLength(e.document) > MAX_MODEL_CHARS) {
        // Grew past the limit (a huge paste): the worker lets go of it and the model with it.
        this.trainer.notify('stopTraining', { docId: session.docId });
        this.trainer.notify('disposeDocument', { docId: session.docId });
        session.workerVersion = undefined;
        this.tooLarge.fire({ session, document: e.document });
      } else if (e.contentChanges.length === 1) {
        const c = e.contentChanges[0];
        this.trainer.notify('editDocument', {
          docId: session.docId,
          version: e.document.version,
          edits: [{ offset: c.rangeOffset, deleteCount: c.rangeLength, text: c.text }],
        });
        session.workerVersion = e.document.version;
      } else {
        // Multi-cursor edits: resending the text is simpler than ordering the changes and costs little.
        this.trainer.sendText(session.docId, e.document.version, e.document.getText());
        session.workerVersion = e.document.version;
      }
    }
    if (uri === this.currentUri) {
      this.edited.fire(this.session(uri));
      if (this.currentEditor) this.cursorMoved.fire(this.currentEditor);
    }
  }

  private onDocumentClosed(doc: vscode.TextDocument): void {
    if (this.peek(doc.uri.toString())?.document === doc) this.forget(doc.uri);
  }

  /**
   * The worker forgets the text and the model; a saved model comes back from storage on reopen.
   * An untitled document's name is reused for the next one, so nothing of it is kept.
   */
  private forget(docUri: vscode.Uri): void {
    const uri = docUri.toString();
    const session = this.peek(uri);
    if (!session) return;
    this.disposeInWorker(session);
    this.forgotten.fire(session);
    if (docUri.scheme === 'untitled') {
      this.sessions.delete(uri);
      this.byDocId.delete(session.docId);
    } else {
      session.resetModel(this.backend);
      session.document = undefined;
      session.restoreAttempt = undefined;
    }
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

/** Documents worth modelling: text in an editor, not our own output or the SCM input box. */
export function isTrackable(doc: vscode.TextDocument): boolean {
  return !['output', 'vscode-scm', 'comment', 'debug'].includes(doc.uri.scheme);
}

/** The document's length in UTF-16 code units, without copying its text. */
export function documentLength(doc: vscode.TextDocument): number {
  return doc.offsetAt(new vscode.Position(doc.lineCount, 0));
}

/** The shown document as the panel describes it. */
export function documentInfo(doc: vscode.TextDocument): DocumentInfo {
  return {
    uri: doc.uri.toString(),
    fileName: doc.uri.path.split('/').pop() || doc.uri.toString(),
    languageId: doc.languageId,
    version: doc.version,
    length: documentLength(doc),
    lineCount: doc.lineCount,
  };
}
