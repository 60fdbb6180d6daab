// Maps the user's settings onto the engine's model and training configs (the engine knows nothing of settings).

import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG, ModelConfig, TrainingConfig } from '../../model/config';
import { LensSettings } from './settingsSchema';

export function toModelConfig(s: LensSettings): ModelConfig {
  return { ...DEFAULT_MODEL_CONFIG, hiddenSize: s.hiddenSize, layers: s.layers };
}

export function toTrainingConfig(s: LensSettings): TrainingConfig {
  return {
    ...DEFAULT_TRAINING_CONFIG,
    seqLength: s.sequenceLength,
    batchSize: s.batchSize,
    learningRate: s.learningRate,
    timeBudgetSec: s.trainingTimeBudget,
    backend: s.backend,
    dropout: s.dropout,
    patience: s.earlyStopping ? DEFAULT_TRAINING_CONFIG.patience : 0,
  };
}
