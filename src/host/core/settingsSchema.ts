// The `lstmLens.*` settings as data (defaults, bounds, reasons) and their validation, pure so unit tests can run it.
import { DEFAULT_TRAINING_CONFIG } from '../../model/config';
import { BACKEND_NAMES, LIMITS, RECALL_DEFAULTS, type BackendName, type Range } from '../../shared/domain';

export interface LensSettings {
  hiddenSize: number;
  layers: number;
  sequenceLength: number;
  batchSize: number;
  learningRate: number;
  trainingTimeBudget: number;
  topK: number;
  contextWindow: number;
  autoTrain: boolean;
  backend: BackendName;
  compareBudget: number;
  compareSteps: number;
  recallSteps: number;
  inlineSuggestions: boolean;
  dropout: number;
  earlyStopping: boolean;
}

type NumberSpec = { kind: 'integer' | 'number'; default: number } & Range;
type BooleanSpec = { kind: 'boolean'; default: boolean };
type EnumSpec = { kind: 'enum'; default: string; values: readonly string[] };
type Spec = NumberSpec | BooleanSpec | EnumSpec;

export const SETTINGS_SPEC: { [K in keyof LensSettings]: Spec } = {
  hiddenSize: { kind: 'integer', default: 128, ...LIMITS.settingHiddenSize }, // units per layer; 128 is fast and readable
  layers: { kind: 'integer', default: 1, ...LIMITS.layers }, // stacked LSTM layers
  sequenceLength: { kind: 'integer', default: 64, ...LIMITS.settingSequenceLength }, // BPTT window in characters
  batchSize: { kind: 'integer', default: 32, ...LIMITS.settingBatchSize }, // parallel streams per step
  learningRate: { kind: 'number', default: 0.002, ...LIMITS.settingLearningRate }, // Adam step size
  trainingTimeBudget: { kind: 'integer', default: 120, ...LIMITS.settingTrainingTimeBudget }, // seconds of training per run
  topK: { kind: 'integer', default: 10, ...LIMITS.settingTopK }, // predictions listed at the cursor
  contextWindow: { kind: 'integer', default: 40, ...LIMITS.settingContextWindow }, // characters in the context heatmap
  autoTrain: { kind: 'boolean', default: true }, // train when the explorer opens on a document without a model
  backend: { kind: 'enum', default: 'wasm', values: BACKEND_NAMES }, // tfjs backend for training
  // Seconds each cell may train in Compare Cells at most (it stops earlier on a plateau). Measured on a 130 KB
  // source file (argparse.js) on this 2-core machine under load: at 30 s every cell was near 2.7 bpc and the
  // probe's intervals overlapped (the ranking flipped with the budget); at 300 s the LSTM was at 1.99, the RNN at 1.62 and the
  // probe's intervals separated beyond 100 characters. No cell had plateaued by then, so 300 s is a cap, not a
  // guarantee: the table says which cells were still improving.
  compareBudget: { kind: 'integer', default: 300, ...LIMITS.settingCompareBudget },
  compareSteps: { kind: 'integer', default: 0, ...LIMITS.settingCompareSteps }, // 0: each cell until its held-out bpc stops improving; N: N steps each
  recallSteps: { kind: 'integer', default: RECALL_DEFAULTS.steps, ...LIMITS.settingRecallSteps }, // step budget per cell of the recall experiment
  inlineSuggestions: { kind: 'boolean', default: false }, // ghost text from the document's model (opt-in: it is a toy)
  dropout: { kind: 'number', default: DEFAULT_TRAINING_CONFIG.dropout, ...LIMITS.settingDropout }, // output dropout while training
  earlyStopping: { kind: 'boolean', default: true }, // stop when held-out stops improving, keeping the best model
};

export const DEFAULT_SETTINGS: LensSettings = Object.fromEntries(
  Object.entries(SETTINGS_SPEC).map(([k, s]) => [k, s.default]),
) as unknown as LensSettings;

export interface SettingsResult {
  settings: LensSettings;
  /** One message per rejected value, naming the setting and what was used instead. */
  problems: string[];
}

/** Validates raw configuration values; anything missing, mistyped or out of range falls back to its default. */
export function validateSettings(raw: Partial<Record<keyof LensSettings, unknown>>): SettingsResult {
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const problems: string[] = [];
  for (const key of Object.keys(SETTINGS_SPEC) as (keyof LensSettings)[]) {
    const spec = SETTINGS_SPEC[key];
    const value = raw[key];
    if (value === undefined) continue;
    const reject = (why: string) =>
      problems.push(`lstmLens.${key}: ${why} (got ${JSON.stringify(value)}); using ${JSON.stringify(spec.default)}.`);
    switch (spec.kind) {
      case 'integer':
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) reject('must be a number');
        else if (spec.kind === 'integer' && !Number.isInteger(value)) reject('must be a whole number');
        else if (value < spec.min || value > spec.max) reject(`must be between ${spec.min} and ${spec.max}`);
        else settings[key] = value;
        break;
      case 'boolean':
        if (typeof value !== 'boolean') reject('must be true or false');
        else settings[key] = value;
        break;
      case 'enum':
        if (typeof value !== 'string' || !spec.values.includes(value))
          reject(`must be one of ${spec.values.join(', ')}`);
        else settings[key] = value;
        break;
    }
  }
  return { settings: settings as unknown as LensSettings, problems };
}
