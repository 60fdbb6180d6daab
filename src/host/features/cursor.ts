// Cursor → prediction: each cursor move in the shown document becomes one versioned predict request (a burst
// collapses into few); an answer is shown only if it is still the newest for that document (decided here, once).

import * as vscode from 'vscode';
import { answersCursor, type CursorInfo, type PanelUpdate } from '../../shared/protocol';
import type { DocumentSession } from '../core/documentSession';
import { settingsOf, type LensServices } from '../core/services';
import { CursorRequest, CursorSync } from './cursorSync';
import type { PersistenceFeature } from './persistence';
import type { TrainingFeature } from './training';

/** Cursor requests closer together than this collapse into one (the first is always immediate). */
const CURSOR_INTERVAL_MS = 16;
/** A prediction waits behind training slices and analysis; it is given up only if the worker is stuck. */
const PREDICT_TIMEOUT_MS = 60_000;

export class CursorFeature implements vscode.Disposable {
  private readonly sync: CursorSync;
  private readonly disposables: vscode.Disposable[] = [];
  /** The cursor the panel shows (in the shown document). */
  private cursor: CursorInfo | null = null;
  /** Newest predict request per document; answers to older ones are stale and dropped. */
  private readonly latest = new Map<DocumentSession, number>();
  private nextRequest = 1;

  constructor(
    private readonly s: LensServices,
    training: TrainingFeature,
    persistence: PersistenceFeature,
  ) {
    this.sync = new CursorSync((req) => s.busy.time('sendCursor', () => this.send(req)), CURSOR_INTERVAL_MS);
    const { registry } = s;
    const refreshIfShown = (session: DocumentSession) => {
      if (session === registry.current) this.refresh();
    };
    this.disposables.push(
      { dispose: () => this.sync.dispose() },
      registry.onDidFollow(({ switched }) => {
        if (!switched) return;
        this.cursor = null;
        this.refresh();
      }),
      registry.onDidMoveCursor((editor) => this.request(editor)),
      registry.onDidForget((session) => this.latest.delete(session)),
      // A freshly usable model: answer for the cursor where it is.
      training.onDidChangeStatus(({ session }) => refreshIfShown(session)),
      persistence.onDidImport(refreshIfShown),
      training.onDidProgress((session) => {
        // The worker refreshes its inference weights as it trains: ask again so the panel learns live.
        if (session === registry.current && (s.panel.visible || !this.predictionMatchesCursor(session))) this.refresh();
      }),
      training.onDidReset((session) => {
        session.prediction = null;
        s.panel.store.mark('prediction');
      }),
    );
  }

  /** The cursor the panel shows. */
  get shown(): CursorInfo | null {
    return this.cursor;
  }

  /** The shown document's prediction if it answers the shown cursor (a snapshot's prediction is taken as current). */
  get shownPrediction(): PanelUpdate & { type: 'prediction' } {
    const p = this.s.registry.current?.prediction;
    return p ? { type: 'prediction', ...p } : { type: 'prediction', version: -1, offset: -1, prediction: null };
  }

  predictionMatchesCursor(session: DocumentSession | undefined = this.s.registry.current): boolean {
    return answersCursor(session?.prediction, this.cursor);
  }

  /** Asks again for the shown document's cursor. */
  refresh(): void {
    const editor = this.s.registry.currentEditor;
    if (editor) this.request(editor);
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }

  private request(editor: vscode.TextEditor): void {
    const doc = editor.document;
    this.sync.update({
      docUri: doc.uri.toString(),
      version: doc.version,
      offset: doc.offsetAt(editor.selection.active),
    });
  }

  private send(req: CursorRequest): void {
    const { registry, panel, trainer } = this.s;
    const doc = registry.currentDocument;
    if (!doc || doc.uri.toString() !== req.docUri) return;
    const position = doc.positionAt(req.offset); // clamps to the document
    const offset = doc.offsetAt(position);
    const window = settingsOf(this.s).contextWindow;
    const startOffset = Math.max(0, offset - window);
    const before = doc.getText(new vscode.Range(doc.positionAt(startOffset), position));
    const next = doc.getText(new vscode.Range(position, doc.positionAt(offset + 2)));
    this.cursor = {
      version: doc.version,
      offset,
      line: position.line,
      character: position.character,
      before,
      next: firstCodePoint(next),
    };
    const session = registry.peek(req.docUri);
    if (!session?.hasModel) {
      panel.store.mark('cursor');
      return;
    }
    panel.store.markCursorAwaitingPrediction();
    registry.sync(doc);
    const id = this.nextRequest++;
    this.latest.set(session, id);
    const version = doc.version;
    trainer
      .call(
        'predict',
        { docId: session.docId, version, offset, topK: settingsOf(this.s).topK, context: window },
        { timeoutMs: PREDICT_TIMEOUT_MS },
      )
      .then(
        (answer) => {
          if (this.latest.get(session) !== id || session !== registry.current) return; // stale
          session.prediction = { version: answer.version, offset: answer.offset, prediction: answer.prediction };
          panel.store.predictionArrived();
        },
        (err: Error) => this.s.log.warn(`[${session.docId}] predict failed: ${err.message}`),
      );
  }
}

function firstCodePoint(s: string): string {
  if (s.length === 0) return '';
  const cp = s.codePointAt(0)!;
  return String.fromCodePoint(cp);
}
