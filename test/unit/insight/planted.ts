// A model with a planted unit, for analyses that must find it: layer 0 units 3 and 5 of random weights are
// rewired so that c = +1 after a digit and −1 after anything else (unit 5 the reverse), with no recurrence.
import type { InferenceConfig, ModelConfig } from '../../../src/model/config';
import { Predictor } from '../../../src/model/inference';
import { stepWeights } from '../../../src/model/lstm';
import { initWeights } from '../../../src/model/params';
import type { TextDoc } from '../../../src/model/textDoc';
import { Vocab } from '../../../src/model/vocab';

export const model: ModelConfig = { hiddenSize: 16, layers: 2, embeddingSize: 6, maxVocab: 120 }; // every digit in the vocabulary
export const cfg: InferenceConfig = { segmentLength: 32, warmup: 32, checkpointEvery: 8, maxCachedSegments: 10000 };
export const DIGIT_UNIT = 3;
export const ANTI_UNIT = 5;

/** Random weights with layer 0 units 3 and 5 rewired: c = ±1 after a digit, ∓1 after anything else. */
export function planted(doc: TextDoc): Predictor {
  const vocab = Vocab.fromSymbols(doc.syms, model.maxVocab);
  const w = stepWeights(initWeights(model, vocab.size, 11));
  const H = model.hiddenSize;
  const H4 = 4 * H;
  for (const u of [DIGIT_UNIT, ANTI_UNIT]) {
    for (let k = 0; k < H; k++) for (let b = 0; b < 4; b++) w.Wh[0][k * H4 + b * H + u] = 0; // no recurrence
    for (let v = 0; v < vocab.size; v++) {
      const text = vocab.text(v);
      const digit = /[0-9]/.test(text) === (u === DIGIT_UNIT);
      const row = w.P0.subarray(v * H4, (v + 1) * H4);
      row[u] = 30; // i = 1
      row[H + u] = -30; // f = 0: forget the past
      row[2 * H + u] = digit ? 30 : -30; // g = ±1
      row[3 * H + u] = 30; // o = 1
    }
  }
  return new Predictor(w, vocab, cfg);
}
