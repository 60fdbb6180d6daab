// Training a document's model: start / stop (notifications) and what the worker reports as it goes (events).
import * as v from 'valibot';
import {
  BACKEND_NAMES,
  CELL_TYPES,
  TRAINING_STATUSES,
  type ModelConfig,
  type TrainingConfig,
  type TrainingProgress,
  type TrainingStatus,
} from '../shared/domain';
import { anyInt, docId, int, nullableNum, num, schemaFor } from './schema';

/** Missing fields take the defaults; model/config.ts checks the bounds and fails the run naming the field. */
export interface TrainParams {
  docId: string;
  model: Partial<ModelConfig>;
  training: Partial<TrainingConfig>;
  resume: boolean;
  /** Fault injection for tests only (LensController.injectDivergenceForTesting): the loss reads NaN at this step. */
  faultAtStepForTesting?: number;
}

export interface TrainingStatusEvent {
  docId: string;
  status: TrainingStatus;
  message: string | null;
}

export interface TrainingProgressEvent {
  docId: string;
  progress: TrainingProgress;
}

export interface ReadyEvent {
  backend: string;
  detail: string;
}

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogEvent {
  level: LogLevel;
  message: string;
}

const modelConfig = schemaFor<Partial<ModelConfig>>()(
  v.partial(
    v.object({
      hiddenSize: anyInt,
      layers: anyInt,
      embeddingSize: anyInt,
      maxVocab: anyInt,
      cell: v.picklist(CELL_TYPES),
    }),
  ),
);

const trainingConfig = schemaFor<Partial<TrainingConfig>>()(
  v.partial(
    v.object({
      seqLength: anyInt,
      batchSize: anyInt,
      learningRate: num(),
      clipNorm: num(),
      timeBudgetSec: num(),
      maxEpochs: num(),
      heldOutFraction: num(),
      seed: anyInt,
      dropout: num(),
      patience: anyInt,
      backend: v.picklist(BACKEND_NAMES),
    }),
  ),
);

export const trainingProgress = schemaFor<TrainingProgress>()(
  v.object({
    step: int(),
    loss: num(),
    heldOutBpc: nullableNum,
    epoch: num(),
    charsPerSec: num(),
    elapsedSec: num(),
    etaSec: nullableNum,
    best: v.nullable(v.object({ step: int(), heldOutBpc: num() })),
  }),
);

export const trainingNotifications = {
  train: schemaFor<TrainParams>()(
    v.object({
      docId,
      model: modelConfig,
      training: trainingConfig,
      resume: v.boolean(),
      faultAtStepForTesting: v.optional(int()),
    }),
  ),
  /** Stops the document's training run and its cell comparison. */
  stopTraining: schemaFor<{ docId: string }>()(v.object({ docId })),
};

export const trainingEvents = {
  ready: schemaFor<ReadyEvent>()(v.object({ backend: v.string(), detail: v.string() })),
  trainingStatus: schemaFor<TrainingStatusEvent>()(
    v.object({ docId, status: v.picklist(TRAINING_STATUSES), message: v.nullable(v.string()) }),
  ),
  trainingProgress: schemaFor<TrainingProgressEvent>()(v.object({ docId, progress: trainingProgress })),
  log: schemaFor<LogEvent>()(v.object({ level: v.picklist(['info', 'warn', 'error']), message: v.string() })),
};
