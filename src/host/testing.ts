// The extension's API in test mode only (ExtensionMode.Test): a read-only look at the host's state for the
// integration tests, the features they drive directly, and fault injection. Never exposed to other extensions.

import type { OverlayKind, PanelSnapshot } from '../shared/protocol';
import type { BusyMeter } from './core/busyMeter';
import type { LensServices } from './core/services';
import type { CursorFeature } from './features/cursor';
import type { InsightFeature } from './features/insight';
import type { LabFeature } from './features/lab';
import type { TrainingFeature } from './features/training';

export interface LensInspection {
  currentUri: string | undefined;
  panelOpen: boolean;
  webviewReady: boolean;
  snapshot: PanelSnapshot;
  workerRunning: boolean;
  settingsProblems: string[];
  storageRoot: string;
  /** The same folder as a URI (vscode-userdata: in VS Code for the Web, where fsPath is no real path). */
  storageUri: string;
  busy: ReturnType<BusyMeter['snapshot']>;
  /** The longest document text one message to the worker carried (UTF-16 code units). */
  largestTextPosted: number;
  overlay: { kind: OverlayKind; refreshCount: number; lastRefreshMs: number };
}

export interface LensFeatures {
  training: TrainingFeature;
  cursor: CursorFeature;
  insight: InsightFeature;
  lab: LabFeature;
}

export function testApi(s: LensServices, f: LensFeatures) {
  return {
    inspect(): LensInspection {
      const overlays = f.insight.overlays;
      return {
        overlay: { kind: overlays.kind, refreshCount: overlays.refreshCount, lastRefreshMs: overlays.lastRefreshMs },
        busy: s.busy.snapshot(),
        largestTextPosted: s.trainer.largestTextPosted,
        settingsProblems: s.settingsWatcher.problems,
        storageRoot: s.context.globalStorageUri.fsPath,
        storageUri: s.context.globalStorageUri.toString(),
        currentUri: s.registry.currentUriString,
        panelOpen: s.panel.isOpen,
        webviewReady: s.panel.isReady,
        snapshot: s.panel.snapshot(),
        workerRunning: s.trainer.running,
      };
    },
    busy: s.busy,
    lab: f.lab.lab,
    suggestions: f.lab.suggestions,
    get inlineSuggestionsEnabled(): boolean {
      return s.settingsWatcher.settings.inlineSuggestions;
    },
    train: (resume: boolean) => f.training.train(resume),
    setOverlay: (kind: OverlayKind) => f.insight.setOverlay(kind),
    pinUnit: (...args: Parameters<InsightFeature['pinUnit']>) => f.insight.pinUnit(...args),
    findUnits: (...args: Parameters<InsightFeature['findUnits']>) => f.insight.findUnits(...args),
    sampleAtCursor: (temperature: number, length?: number) => f.lab.sampleAtCursor(temperature, length),
    /**
     * Makes the next training run diverge: its loss reads NaN at `step`, inside the real worker and trainer
     * (for fault-injection tests; no command or setting reaches it).
     */
    injectDivergenceForTesting(step: number): void {
      f.training.divergenceForTesting = step;
    },
    /** Ends the worker as a crash would (for fault-injection tests). */
    killWorkerForTesting: (): Promise<void> => s.trainer.simulateCrash(),
  };
}

export type LensTestApi = ReturnType<typeof testApi>;
