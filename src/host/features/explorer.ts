// Opening the explorer: the panel beside the editor for the active document, a saved model restored or a
// first training run started; and the panel VS Code restores after a window reload.

import * as vscode from 'vscode';
import type { PersistedPanelState } from '../panel/panelController';
import { settingsOf, type LensServices } from '../core/services';
import type { PersistenceFeature } from './persistence';
import type { TrainingFeature } from './training';

export class ExplorerFeature {
  constructor(
    private readonly s: LensServices,
    private readonly training: TrainingFeature,
    private readonly persistence: PersistenceFeature,
  ) {}

  /** Opens (or reveals) the explorer beside the editor, for the active document, without taking focus. */
  async openExplorer(): Promise<void> {
    const { registry, panel } = this.s;
    const editor = registry.trackableActiveEditor() ?? registry.lastEditor;
    if (!editor) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('LSTM Lens: open a text document first, then run "Open Explorer" again.'),
      );
      return;
    }
    registry.follow(editor);
    panel.open(besideColumn(editor));
    const restored = await this.persistence.restore(editor.document);
    const session = registry.session(editor.document.uri.toString());
    if (restored || session.hasModel || session.training.status !== 'untrained') return;
    if (settingsOf(this.s).autoTrain) this.training.train(false);
    else {
      const problem = this.training.modelabilityProblem(editor.document);
      if (problem) this.training.setStatus(session, 'untrained', problem);
    }
  }

  /** Adopts a panel restored after a window reload, with its view state and document. */
  revive(webviewPanel: vscode.WebviewPanel, state: PersistedPanelState | undefined): void {
    const { registry, panel } = this.s;
    if (!registry.lastEditor && state?.docUri) {
      const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === state.docUri);
      if (editor) registry.follow(editor);
    }
    panel.revive(webviewPanel, state);
    const doc = registry.currentDocument;
    if (doc) void this.persistence.restore(doc);
  }
}

/** The column to the right of the editor (a new one if it is the rightmost). */
function besideColumn(editor: vscode.TextEditor): vscode.ViewColumn {
  const col = editor.viewColumn ?? vscode.ViewColumn.One;
  return (col + 1) as vscode.ViewColumn;
}
