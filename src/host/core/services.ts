// The services every feature is built on, made once in extension.ts.

import type * as vscode from 'vscode';
import type { PanelController } from '../panel/panelController';
import type { BusyMeter } from './busyMeter';
import type { DocumentRegistry } from './documentRegistry';
import type { ModelStore } from './modelStore';
import type { LensSettings } from './settingsSchema';
import type { SettingsWatcher } from './settings';
import type { TrainerChannel } from './trainerChannel';

export interface LensServices {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  /** How long our own handlers hold the extension-host thread. */
  readonly busy: BusyMeter;
  readonly settingsWatcher: SettingsWatcher;
  readonly trainer: TrainerChannel;
  readonly registry: DocumentRegistry;
  readonly panel: PanelController;
  /** Trained models in the extension's storage. */
  readonly models: ModelStore;
}

export function settingsOf(services: LensServices): LensSettings {
  return services.settingsWatcher.settings;
}
