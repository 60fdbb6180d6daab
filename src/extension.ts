// Entry point: wires LSTM Lens's commands, panel serializer and status bar into VS Code.

import * as vscode from 'vscode';
import { EXPLORER_VIEW_TYPE, LensController, PersistedPanelState } from './host/lensController';

export function activate(context: vscode.ExtensionContext): LensController {
  const log = vscode.window.createOutputChannel('LSTM Lens', { log: true });
  const lens = new LensController(context, log);
  // Disposed in order: the controller (and its worker) before the log it writes to.
  context.subscriptions.push(
    lens,
    log,
    vscode.commands.registerCommand('lstmLens.openExplorer', () => lens.openExplorer()),
    vscode.commands.registerCommand('lstmLens.train', () => lens.trainCommand()),
    vscode.commands.registerCommand('lstmLens.stopTraining', () => lens.stopTraining()),
    vscode.commands.registerCommand('lstmLens.resetModel', () => lens.resetModel()),
    vscode.commands.registerCommand('lstmLens.toggleActivationOverlay', () => lens.toggleOverlay('activation')),
    vscode.commands.registerCommand('lstmLens.toggleSurprisalOverlay', () => lens.toggleOverlay('surprisal')),
    vscode.commands.registerCommand('lstmLens.findUnits', () => lens.findUnits()),
    vscode.commands.registerCommand('lstmLens.compareCells', () => lens.compareCellsCommand()),
    vscode.commands.registerCommand('lstmLens.toggleMemoryOverlay', () => lens.toggleMemoryOverlay()),
    vscode.commands.registerCommand('lstmLens.writeOn', () => lens.writeOnCommand()),
    // Every text document: the provider answers only where the document has a model and the setting is on.
    vscode.languages.registerInlineCompletionItemProvider(
      [{ pattern: '**' }, { scheme: 'untitled' }],
      lens.suggestions,
    ),
    // Labelling reads the whole held-out text (seconds on a large file): the user waits, so show it.
    vscode.commands.registerCommand('lstmLens.labelUnits', () =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('LSTM Lens: labelling units…') },
        () => lens.labelUnits(),
      ),
    ),
    vscode.window.registerWebviewPanelSerializer(EXPLORER_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        lens.revivePanel(panel, (state ?? undefined) as PersistedPanelState | undefined);
      },
    }),
  );
  log.info(`LSTM Lens ${context.extension.packageJSON.version} activated`);
  // Returned as the extension's API so integration tests can observe the controller.
  return lens;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
