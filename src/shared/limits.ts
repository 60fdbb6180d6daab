// Every numeric bound in one table: the settings schema, the model config checks and the message schemas
// read it, so a bound is written once. Ranges are inclusive.

export interface Range {
  readonly min: number;
  readonly max: number;
}

export const LIMITS = {
  // ── what the engine accepts (a model built here, loaded from disk or asked for by the CLI) ──
  /** Units per layer: 2 is the smallest cell with a pattern to see; past 1024 a step stops being interactive. */
  hiddenSize: { min: 2, max: 1024 },
  /** Stacked layers: the panel shows every layer at once, and two already fill it. */
  layers: { min: 1, max: 2 },
  /** Width of the character embedding. */
  embeddingSize: { min: 1, max: 512 },
  /** Vocabulary: at least one symbol plus the unknown token; a UTF-16 code unit has 65536 values. */
  maxVocab: { min: 2, max: 65536 },
  /** Truncated-BPTT window in characters. */
  seqLength: { min: 2, max: 1024 },
  /** Parallel streams through the text. */
  batchSize: { min: 1, max: 1024 },
  /** Fraction of the text held out for bits-per-character: beyond 0.9 too little is left to train on. */
  heldOutFraction: { min: 0, max: 0.9 },
  /** Output dropout while training: at 0.9 nine in ten units are cut and nothing is learned. */
  dropout: { min: 0, max: 0.9 },
  /** Fewest held-out evaluations without improvement before early stopping (0: off); they come every ~5 s. */
  patience: { min: 0, max: 1000 },

  // ── what a user may pick in the lstmLens.* settings (package.json repeats these; a unit test compares) ──
  /** Units per layer: below 8 nothing is learned worth reading, above 512 training crawls on a laptop. */
  settingHiddenSize: { min: 8, max: 512 },
  /** BPTT window: 8 spans a short token, 512 a screenful of code. */
  settingSequenceLength: { min: 8, max: 512 },
  /** Streams per step. */
  settingBatchSize: { min: 1, max: 256 },
  /** Adam step size: outside this range char-LSTMs either stall or diverge. */
  settingLearningRate: { min: 1e-5, max: 0.1 },
  /** Seconds of training per run: an hour is the longest a panel session plausibly waits. */
  settingTrainingTimeBudget: { min: 5, max: 3600 },
  /** Output dropout a user may pick: past 0.5 a small char model underfits in two minutes. */
  settingDropout: { min: 0, max: 0.5 },
  /** Predictions listed at the cursor. */
  settingTopK: { min: 1, max: 50 },
  /** Characters in the context heatmap. */
  settingContextWindow: { min: 5, max: 200 },
  /** LSTM seconds in Compare Cells (the GRU and RNN then train as many steps, up to 8 × as long). */
  settingCompareBudget: { min: 5, max: 600 },
  /** Step budget per cell of the recall experiment: below 50 nothing is learned, 20,000 is tens of minutes. */
  settingRecallSteps: { min: 50, max: 20000 },
  /** Steps per cell in Compare Cells (0: until held-out bpc stops improving); 20,000 is ~an hour at H = 128. */
  settingCompareSteps: { min: 0, max: 20000 },

  // ── what a message may ask for ──
  /** Training seconds of one cell comparison (the lab's budget; the longest training budget). */
  compareBudgetSec: { min: 0, max: 3600 },
  /** Training steps per cell of one recall experiment (each a batch of whole sequences). */
  recallSteps: { min: 1, max: 100000 },
  /** A recall gap in characters: past 1000, BPTT through one sequence stops being interactive. */
  recallGap: { min: 2, max: 1000 },
  /** Cue symbols of the recall experiment (chance is 1 / this). */
  recallCues: { min: 2, max: 32 },
  /** Test sequences per gap and cell. */
  recallTests: { min: 1, max: 10000 },
  /** Candidates one prediction / hover lists. */
  topK: { min: 1, max: 100 },
  /** Unit matches one find-units request returns. */
  matches: { min: 1, max: 200 },
  /** UTF-16 length of one overlay range (a visible editor range is a few thousand). */
  insightRange: { min: 0, max: 1 << 17 },
  /** Tokens the unit inspector scans from the start of a document: one model step each, a few seconds at H = 128. */
  inspectorTokens: { min: 1, max: 200_000 },
  /** Contexts the inspector lists at each end (top and bottom). */
  inspectorContexts: { min: 1, max: 20 },
  /** Characters one sample or intervention generates. */
  sampleLength: { min: 0, max: 4096 },
  /** Steps an intervention holds its clamp (at least the step that reads the cursor). */
  clampSteps: { min: 1, max: 4096 },
  /** Tokens of a memory-span window: the float64 forward + backward stays within tens of ms. */
  memoryWindow: { min: 1, max: 128 },
  /** Sampling temperature a user may ask for (0: greedy); above 5 text is noise. */
  temperature: { min: 0, max: 5 },
  /** A gate clamp: gates are sigmoids, so a value outside [0, 1] means nothing. */
  clampGate: { min: 0, max: 1 },
  /** A c or h clamp: the cell state of a trained char-LSTM rarely leaves ±10; h stays within ±1. */
  clampState: { min: -10, max: 10 },
} as const satisfies Record<string, Range>;

/** Whether a number lies in a range (inclusive). */
export function inRange(x: number, r: Range): boolean {
  return x >= r.min && x <= r.max;
}
