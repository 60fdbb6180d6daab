// Every palette command in one table: its id (as in package.json) and what it runs.

import * as vscode from 'vscode';
import type { ExplorerFeature } from './features/explorer';
import type { InsightFeature } from './features/insight';
import type { LabFeature } from './features/lab';
import type { TrainingFeature } from './features/training';

export interface CommandFeatures {
  explorer: ExplorerFeature;
  training: TrainingFeature;
  insight: InsightFeature;
  lab: LabFeature;
}

export function registerCommands(f: CommandFeatures): vscode.Disposable[] {
  const table: Record<string, () => unknown> = {
    'lstmLens.openExplorer': () => f.explorer.openExplorer(),
    'lstmLens.train': () => f.training.trainCommand(),
    'lstmLens.stopTraining': () => f.training.stopTraining(),
    'lstmLens.resetModel': () => f.training.resetModel(),
    'lstmLens.toggleActivationOverlay': () => f.insight.toggleOverlay('activation'),
    'lstmLens.toggleSurprisalOverlay': () => f.insight.toggleOverlay('surprisal'),
    'lstmLens.findUnits': () => f.insight.findUnits(),
    // Labelling reads the whole held-out text (seconds on a large file): the user waits, so show it.
    'lstmLens.labelUnits': () =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('LSTM Lens: labelling units…') },
        () => f.insight.labelUnits(),
      ),
    'lstmLens.compareCells': () => f.lab.compareCellsCommand(),
    'lstmLens.recallExperiment': () => f.lab.recallCommand(),
    'lstmLens.toggleMemoryOverlay': () => f.lab.toggleMemoryOverlay(),
    'lstmLens.writeOn': () => f.lab.writeOnCommand(),
  };
  return Object.entries(table).map(([id, run]) => vscode.commands.registerCommand(id, run));
}
