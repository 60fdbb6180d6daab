// Reads the `lstmLens.*` settings through VS Code and reports rejected values once, naming the setting.

import * as vscode from 'vscode';
import { LensSettings, SETTINGS_SPEC, SettingsResult, validateSettings } from './settingsSchema';

export function readSettings(): SettingsResult {
  const config = vscode.workspace.getConfiguration('lstmLens');
  const raw: Partial<Record<keyof LensSettings, unknown>> = {};
  for (const key of Object.keys(SETTINGS_SPEC) as (keyof LensSettings)[]) raw[key] = config.get(key);
  return validateSettings(raw);
}

/** Keeps the current settings, re-reads them on change and warns about each new problem. */
export class SettingsWatcher implements vscode.Disposable {
  private current: LensSettings;
  private reported = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly onChange: (settings: LensSettings) => void,
  ) {
    this.current = this.read();
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('lstmLens')) return;
      this.current = this.read();
      this.onChange(this.current);
    });
  }

  get settings(): LensSettings {
    return this.current;
  }

  /** The current settings' problems (one message per rejected value). */
  get problems(): string[] {
    return [...this.reported];
  }

  private read(): LensSettings {
    const { settings, problems } = readSettings();
    const fresh = problems.filter((p) => !this.reported.has(p));
    this.reported = new Set(problems);
    for (const p of fresh) {
      this.log.warn(p);
      void vscode.window.showWarningMessage(vscode.l10n.t('LSTM Lens: {0}', p));
    }
    return settings;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
