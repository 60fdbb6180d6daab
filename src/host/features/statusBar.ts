// The status-bar item: training state and held-out bits per character at a glance; a click opens the explorer.

import * as vscode from 'vscode';
import { TrainingSnapshot } from '../../shared/protocol';

export class LensStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('lstmLens.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = vscode.l10n.t('LSTM Lens');
    this.item.command = 'lstmLens.openExplorer';
  }

  /** Shows the state of the document in the active editor; hides when there is nothing to say. */
  show(training: TrainingSnapshot | undefined): void {
    if (!training) {
      this.item.hide();
      return;
    }
    // The score of the model in use (the best checkpoint), not of the last evaluation.
    const bpc = training.checkpoint?.heldOutBpc ?? training.latest?.heldOutBpc ?? null;
    const bpcText = bpc === null ? '' : ` ${bpc.toFixed(2)} bpc`;
    switch (training.status) {
      case 'untrained':
        this.item.text = '$(pulse) LSTM';
        this.item.tooltip = vscode.l10n.t('LSTM Lens: no model for this document yet. Click to open the explorer.');
        break;
      case 'training':
        this.item.text = `$(sync~spin) LSTM${bpcText}`;
        this.item.tooltip = vscode.l10n.t('LSTM Lens: training on this document. Click to open the explorer.');
        break;
      case 'stopped':
      case 'done':
        this.item.text = `$(pulse) LSTM${bpcText}`;
        this.item.tooltip = vscode.l10n.t(
          'LSTM Lens: trained; held-out bits per character{0}.',
          bpcText ? ':' + bpcText : '',
        );
        break;
      case 'failed':
        this.item.text = '$(warning) LSTM';
        this.item.tooltip = training.message ?? vscode.l10n.t('LSTM Lens: training failed.');
        break;
    }
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
