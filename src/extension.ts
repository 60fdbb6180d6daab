// Builds LSTM Lens's services, then its features (each subscribes to the document registry and the trainer),
// the commands and the panel serializer, on the platform its entry gives it (extension.node.ts for Node's
// extension host, extension.web.ts for VS Code for the Web). In test mode it returns the test API.

import * as vscode from 'vscode';
import { registerCommands } from './host/commands';
import { BusyMeter } from './host/core/busyMeter';
import { assertNever } from './shared/protocol';
import { DocumentRegistry, documentInfo } from './host/core/documentRegistry';
import { ModelStore } from './host/core/modelStore';
import type { LensServices } from './host/core/services';
import { SettingsWatcher } from './host/core/settings';
import type { HostPlatform } from './host/core/platform';
import { TrainerChannel } from './host/core/trainerChannel';
import { CursorFeature } from './host/features/cursor';
import { ExplorerFeature } from './host/features/explorer';
import { InsightFeature } from './host/features/insight';
import { LabFeature } from './host/features/lab';
import { PersistenceFeature } from './host/features/persistence';
import { TrainingFeature } from './host/features/training';
import { EXPLORER_VIEW_TYPE } from './host/panel/explorerPanel';
import { PanelController, type PersistedPanelState } from './host/panel/panelController';
import { webviewStrings } from './host/panel/webviewStrings';
import { testApi, type LensTestApi } from './host/testing';

export function activateLens(context: vscode.ExtensionContext, platform: HostPlatform): LensTestApi | undefined {
  const log = vscode.window.createOutputChannel('LSTM Lens', { log: true });
  const busy = new BusyMeter(platform.runQueueClock());
  const trainer = new TrainerChannel(platform, log, busy);
  const registry = new DocumentRegistry(trainer, busy);
  const settingsWatcher = new SettingsWatcher(log, () => panel.store.mark('settings'));
  const panel: PanelController = new PanelController(context.extensionUri, log, busy, {
    document: () => {
      const doc = registry.currentDocument;
      return doc ? documentInfo(doc) : null;
    },
    cursor: () => cursor.shown,
    training: () => registry.current?.training ?? null,
    prediction: () => cursor.shownPrediction,
    view: () => panel.view,
    settings: () => ({
      topK: settingsWatcher.settings.topK,
      contextWindow: settingsWatcher.settings.contextWindow,
      host: platform.kind,
    }),
    insight: () => insight.snapshot(),
    lab: () => lab.snapshot(),
    strings: webviewStrings,
  });
  const services: LensServices = {
    context,
    log,
    busy,
    settingsWatcher,
    trainer,
    registry,
    panel,
    models: new ModelStore(context.globalStorageUri, log),
  };
  const training = new TrainingFeature(services);
  const persistence = new PersistenceFeature(services, training);
  const cursor = new CursorFeature(services, training, persistence);
  const insight = new InsightFeature(services, training, persistence);
  const explorer = new ExplorerFeature(services, training, persistence);
  const lab = new LabFeature(services, training, () => explorer.openExplorer());
  // The panel's document slice follows the shown document: a switch, and every edit of it (version, length, lines).
  const documentSlice = [
    registry.onDidFollow(({ switched }) => {
      if (switched) panel.store.mark('document');
    }),
    registry.onDidEditCurrent(() => panel.store.mark('document')),
  ];
  panel.route({
    command: (m) => {
      switch (m.command) {
        case 'train':
          return training.train(true);
        case 'retrain':
          training.resetModel();
          return training.train(false);
        case 'stop':
          return training.stopTraining();
        case 'reset':
          return training.resetModel();
        case 'overlayActivation':
          return insight.setOverlay('activation');
        case 'overlaySurprisal':
          return insight.setOverlay('surprisal');
        case 'overlayOff':
          return insight.setOverlay('none');
        case 'labelUnits':
          return void insight.labelUnits();
        case 'findUnits':
          return void insight.findUnits('high');
        default:
          return assertNever(m.command, 'webview command');
      }
    },
    sample: (m) => void lab.lab.sample(m.temperature),
    measureMemory: () => void lab.lab.measureMemory(),
    followMemory: (m) => lab.lab.followMemory(m.on),
    intervene: (m) => void lab.lab.intervene(m.spec, m.temperature),
    resetIntervention: () => lab.lab.resetIntervention(),
    compareCells: (m) => void lab.lab.compare(m.match),
    stopCompare: () => lab.lab.stopCompare(),
    pinProbe: (m) => insight.inspector.pinProbe(m.feature),
    reveal: (m) => void insight.inspector.reveal(m.start, m.end),
    runRecall: (m) => void lab.recall.run(m.match, lab.recallSteps()),
    stopRecall: () => lab.recall.stop(),
  });
  // Disposed in this order: the features, then what they stand on, the worker, and last the log they write to.
  context.subscriptions.push(
    lab,
    insight,
    cursor,
    persistence,
    training,
    panel,
    ...documentSlice,
    registry,
    settingsWatcher,
    trainer,
    busy,
    ...registerCommands({ explorer, training, insight, lab }),
    // Every text document: the provider answers only where the document has a model and the setting is on.
    vscode.languages.registerInlineCompletionItemProvider([{ pattern: '**' }, { scheme: 'untitled' }], lab.suggestions),
    vscode.window.registerWebviewPanelSerializer(EXPLORER_VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: unknown) {
        explorer.revive(webviewPanel, (state ?? undefined) as PersistedPanelState | undefined);
      },
    }),
    log,
  );
  registry.start();
  log.info(`LSTM Lens ${context.extension.packageJSON.version} activated (${platform.kind} extension host)`);
  return context.extensionMode === vscode.ExtensionMode.Test
    ? testApi(services, { training, cursor, insight, lab })
    : undefined;
}
