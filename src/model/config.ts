// The model and training configuration as plain data: every default is here, with its reason.

/** Which compute backend tfjs uses for training. */
export type BackendName = 'wasm' | 'cpu';

export interface ModelConfig {
  /** Units per LSTM layer (H). */
  hiddenSize: number;
  /** Stacked LSTM layers (1-2). */
  layers: number;
  /** Width of the learned character embedding (E); the LSTM input size of layer 0. */
  embeddingSize: number;
  /** Largest vocabulary kept; rarer characters map to the unknown token. */
  maxVocab: number;
}

export interface TrainingConfig {
  /** Truncated-BPTT window (T): characters per backward pass; state carries across windows. */
  seqLength: number;
  /** Parallel streams through the text (B). */
  batchSize: number;
  /** Adam step size. */
  learningRate: number;
  /** Global gradient-norm clip. */
  clipNorm: number;
  /** Stop after this many seconds of training (0 = no time limit). */
  timeBudgetSec: number;
  /** Stop after this many passes over the training split (0 = no epoch limit). */
  maxEpochs: number;
  /** Fraction of the text held out (the tail) for bits-per-character. */
  heldOutFraction: number;
  /** Seed for initialisation and batch order: same seed, same loss curve. */
  seed: number;
  /** Compute backend. */
  backend: BackendName;
}

export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  hiddenSize: 128, // big enough for visible structure (quotes, indentation), small enough to read unit by unit
  layers: 1, // one layer keeps every unit's role inspectable; two is a setting away
  embeddingSize: 32, // Karpathy-scale char models use 16-64; 32 is cheap and enough for ~100 symbols
  maxVocab: 256, // source code and prose rarely use more; the rest become <unk>
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
  backend: 'wasm', // several times faster than the pure-JS cpu backend
};
