// Cursor predictions: the next-token candidates at an offset and the gate trace of the context before it.
import * as v from 'valibot';
import type { ActualToken, Prediction, TokenProbability } from '../shared/domain';
import { anyInt, docId, float32, int, LIMITS, num, schemaFor } from './schema';

export interface PredictParams {
  docId: string;
  version: number;
  offset: number;
  topK: number;
  context: number;
}

export interface PredictResult {
  version: number;
  offset: number;
  prediction: Prediction;
}

export const tokenProbability = schemaFor<TokenProbability>()(v.object({ token: v.string(), prob: num() }));

export const actualToken = v.nullable(
  schemaFor<ActualToken>()(v.object({ token: v.string(), prob: num(), rank: int(), bits: num() })),
);

export const prediction = schemaFor<Prediction>()(
  v.pipe(
    v.object({
      top: v.array(tokenProbability),
      actual: actualToken,
      hiddenSize: int(),
      layers: int(),
      contextTokens: v.array(v.string()),
      trace: v.array(v.object({ values: float32 })),
    }),
    v.check(
      (p) =>
        p.trace.length === p.layers &&
        p.trace.every((t) => t.values.length === p.contextTokens.length * 6 * p.hiddenSize),
      'one (T, 6, H) trace per layer',
    ),
  ),
);

export const predictCalls = {
  predict: {
    params: schemaFor<PredictParams>()(
      v.object({ docId, version: anyInt, offset: int(), topK: int(LIMITS.topK), context: int() }),
    ),
    result: schemaFor<PredictResult>()(v.object({ version: anyInt, offset: int(), prediction })),
  },
};
