// The model and training configuration as plain data: every default is here, with its reason.
import {
  BACKEND_NAMES,
  CELL_TYPES,
  LIMITS,
  type BackendName,
  type CellType,
  type ModelConfig,
  type Range,
  type TrainingConfig,
} from '../shared/domain';

export type { BackendName, ModelConfig, TrainingConfig };

export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  hiddenSize: 128, // big enough for visible structure (quotes, indentation), small enough to read unit by unit
  layers: 1, // one layer keeps every unit's role inspectable; two is a setting away
  embeddingSize: 32, // Karpathy-scale char models use 16-64; 32 is cheap and enough for ~100 symbols
  maxVocab: 256, // source code and prose rarely use more; the rest become <unk>
  cell: 'lstm', // the gated cell the whole panel is about; gru/rnn exist for the comparison lab
};

export const DEFAULT_TRAINING_CONFIG: TrainingConfig = {
  seqLength: 64, // long enough to span a line of code, short enough for fast BPTT
  batchSize: 32, // the benchmark workload; fills a matmul without hurting convergence
  learningRate: 2e-3, // Adam's sweet spot for char-LSTMs (Karpathy's char-rnn uses 2e-3)
  clipNorm: 5, // char-rnn's classic clip; stops the rare exploding step
  timeBudgetSec: 120, // two minutes gives a usable model on a source file without hogging a core
  maxEpochs: 0, // time-bounded by default
  heldOutFraction: 0.1, // the 90/10 split
  seed: 1337, // fixed: reproducible by default
  // Output dropout (Zaremba et al. 2014), off: on three ~100 KB files (npm run checkpoint, 120 s on a busy machine,
  // 114-282 steps, nothing overfit yet) 0.1 cost 0.02-0.03 bpc at equal steps on the .js and .d.ts, gained 0.02 on the .md.
  dropout: 0,
  // At least 4 evaluations (~20 s) without a better held-out score end the run: in nine 120 s curves a flat stretch of
  // 2 evaluations was followed by real progress (patience 2 would have kept 3.582 instead of 3.464), 3 never.
  // The floor of the wait: it also covers a quarter of the run and an epoch (bestModel.ts), for large texts.
  patience: 4,
  backend: 'wasm', // several times faster than the pure-JS cpu backend
};

/** How cursor predictions are computed from the document (see stateCache.ts for the semantics). */
export interface InferenceConfig {
  /** Tokens per cache segment (S); the state restarts from zero `warmup` tokens before each segment. */
  segmentLength: number;
  /** Tokens read from a zero state before a segment begins (W); also the longest gate trace. */
  warmup: number;
  /** A state checkpoint every K tokens inside a segment; bounds a warm query to K + context steps. */
  checkpointEvery: number;
  /** Segments whose checkpoints are kept (least recently used go first); bounds memory on huge files. */
  maxCachedSegments: number;
  /**
   * Memory bound of one predictor's cache, in bytes of checkpoint states (default 16 MiB). The cache
   * keeps at most min(maxCachedSegments, ⌊maxCacheBytes / bytesPerSegment⌋) segments, where
   * bytesPerSegment = (S/K + 1) · L · 2H · 4 (5 KiB at H=128, one layer: ~3,270 segments ≈ 210k tokens
   * of a 1 MB file). An evicted segment only costs a cold query again (≤ W + S steps, ~4 ms at H=128).
   */
  maxCacheBytes?: number;
}

/** The default memory bound of one predictor's state cache (see InferenceConfig.maxCacheBytes). */
export const DEFAULT_MAX_CACHE_BYTES = 16 * 2 ** 20;

export const DEFAULT_INFERENCE_CONFIG: InferenceConfig = {
  segmentLength: 64, // a cold query costs at most warmup + segmentLength steps (~5 ms at H=128)
  warmup: 128, // twice the BPTT window: enough history for quotes, brackets and indentation
  checkpointEvery: 16, // a warm query replays at most 16 steps beyond its trace
  maxCachedSegments: 1 << 20, // effectively unbounded by count: maxCacheBytes is the bound that bites
  maxCacheBytes: DEFAULT_MAX_CACHE_BYTES, // 16 MiB per predictor (~210k tokens at H=128, one layer)
};

/** Fills missing fields from the defaults and checks ranges; throws an Error naming the bad field. */
export function resolveModelConfig(raw: Partial<ModelConfig> | undefined): ModelConfig {
  const c = { ...DEFAULT_MODEL_CONFIG, ...(raw ?? {}) };
  checkInt('hiddenSize', c.hiddenSize, LIMITS.hiddenSize);
  checkInt('layers', c.layers, LIMITS.layers);
  checkInt('embeddingSize', c.embeddingSize, LIMITS.embeddingSize);
  checkInt('maxVocab', c.maxVocab, LIMITS.maxVocab);
  const cell = c.cell ?? 'lstm';
  if (!CELL_TYPES.includes(cell)) throw new Error(`cell must be one of ${CELL_TYPES.join(', ')}, got ${String(cell)}`);
  return {
    hiddenSize: c.hiddenSize,
    layers: c.layers,
    embeddingSize: c.embeddingSize,
    maxVocab: c.maxVocab,
    cell,
  };
}

/** Same for training: missing fields take defaults, out-of-range values throw. */
export function resolveTrainingConfig(raw: Partial<TrainingConfig> | undefined): TrainingConfig {
  const c = { ...DEFAULT_TRAINING_CONFIG, ...(raw ?? {}) };
  checkInt('seqLength', c.seqLength, LIMITS.seqLength);
  checkInt('batchSize', c.batchSize, LIMITS.batchSize);
  checkNum('learningRate', c.learningRate, 0, 10, false);
  checkNum('clipNorm', c.clipNorm, 0, 1e6, false);
  checkNum('timeBudgetSec', c.timeBudgetSec, 0, 1e7, true);
  checkNum('maxEpochs', c.maxEpochs, 0, 1e7, true);
  checkNum('heldOutFraction', c.heldOutFraction, LIMITS.heldOutFraction.min, LIMITS.heldOutFraction.max, true);
  checkNum('dropout', c.dropout, LIMITS.dropout.min, LIMITS.dropout.max, true);
  checkInt('patience', c.patience, LIMITS.patience);
  if (!Number.isSafeInteger(c.seed)) throw new Error(`training.seed must be an integer, got ${String(c.seed)}`);
  if (!BACKEND_NAMES.includes(c.backend))
    throw new Error(`training.backend must be one of ${BACKEND_NAMES.join(', ')}, got ${String(c.backend)}`);
  return {
    seqLength: c.seqLength,
    batchSize: c.batchSize,
    learningRate: c.learningRate,
    clipNorm: c.clipNorm,
    timeBudgetSec: c.timeBudgetSec,
    maxEpochs: c.maxEpochs,
    heldOutFraction: c.heldOutFraction,
    seed: c.seed,
    dropout: c.dropout,
    patience: c.patience,
    backend: c.backend,
  };
}

function checkInt(name: string, v: unknown, { min: lo, max: hi }: Range): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < lo || v > hi)
    throw new Error(`${name} must be an integer in [${lo}, ${hi}], got ${String(v)}`);
}

function checkNum(name: string, v: unknown, lo: number, hi: number, allowLo: boolean): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v > hi || v < lo || (!allowLo && v === lo))
    throw new Error(`${name} must be a number in ${allowLo ? '[' : '('}${lo}, ${hi}], got ${String(v)}`);
}

/** The cell of a config ('lstm' when unset). */
export function cellOf(cfg: ModelConfig): CellType {
  return cfg.cell ?? 'lstm';
}
