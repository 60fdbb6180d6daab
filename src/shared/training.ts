// What a model and its training run are configured with, and what a run reports as it goes.
import type { CellType } from './gates';

export type TrainingStatus = 'untrained' | 'training' | 'stopped' | 'done' | 'failed';
export const TRAINING_STATUSES: readonly TrainingStatus[] = ['untrained', 'training', 'stopped', 'done', 'failed'];

/** A point on the training curve; the webview plots these. */
export interface TrainingPoint {
  step: number;
  /** Training loss, nats per character (cross-entropy). */
  loss: number;
  /** Held-out bits per character, when measured at this step. */
  heldOutBpc: number | null;
}

export interface TrainingProgress extends TrainingPoint {
  epoch: number;
  charsPerSec: number;
  elapsedSec: number;
  /** Seconds left, when a budget makes it knowable. */
  etaSec: number | null;
  /** The best held-out evaluation so far (of this run or the one it continues); null before one. */
  best: Checkpoint | null;
}

/** What the panel knows about a document's model. */
export interface TrainingSnapshot {
  status: TrainingStatus;
  /** Human-readable reason for the status (errors, divergence recovery, why training stopped). */
  message: string | null;
  latest: TrainingProgress | null;
  curve: TrainingPoint[];
  backend: string | null;
  /** The held-out evaluation of the weights the panel uses (the best so far), when one was measured. */
  checkpoint: Checkpoint | null;
}

/** A model's best held-out evaluation: the step whose weights scored it and its bits per character. */
export interface Checkpoint {
  step: number;
  heldOutBpc: number;
}

/** Which compute backend tfjs uses for training. */
export type BackendName = 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['wasm', 'cpu'];

export interface ModelConfig {
  /** Units per LSTM layer (H). */
  hiddenSize: number;
  /** Stacked LSTM layers (1-2). */
  layers: number;
  /** Width of the learned character embedding (E); the LSTM input size of layer 0. */
  embeddingSize: number;
  /** Largest vocabulary kept; rarer characters map to the unknown token. */
  maxVocab: number;
  /**
   * Recurrent cell: 'lstm' (default), 'gru' or 'rnn' (vanilla tanh); see model/cells/cell.ts for the equations
   * and how each maps onto the six trace rows. Missing means 'lstm' (models saved before cells existed load as LSTM).
   */
  cell?: CellType;
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
  /** Seed for initialisation, batch order and dropout masks: same seed, same loss curve. */
  seed: number;
  /** Fraction of the top layer's outputs dropped before the read-out while training (0 = none; never at inference). */
  dropout: number;
  /**
   * Held-out evaluations in a row without a new best before the run may stop and keep its best (0 = never stop
   * early); the least of the wait, which also grows with the run and covers an epoch (model/bestModel.ts).
   */
  patience: number;
  /** Compute backend. */
  backend: BackendName;
}
