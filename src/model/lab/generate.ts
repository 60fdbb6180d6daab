// Sampling a continuation from the cursor, and the same with an intervention (a clamped gate or state),
// both on the reference cells (cells/lstm.ts, gru.ts, rnn.ts, stepped by cells/cellStep.ts) so the clamp is
// applied inside the equations.
//
// Where a run starts: from the state after the tokens before the cursor except the last one, re-reading
// that last token. Without a clamp this is the cursor's state; with one, the clamp covers `clampSteps`
// steps starting with that re-read, so the next-token distribution at the cursor already shows its effect
// (at offset 0 there is no token to re-read, and the clamp starts with the first generated token).
import type { TokenProbability } from '../../shared/domain';
import { topIndices } from '../inference';
import type { StepWeights } from '../lstm';
import { Rng } from '../rng';
import type { Vocab } from '../vocab';
import { CellScratch, cellStep, nextTokenLogits, softmaxT, type Clamp } from '../cells/cellStep';

/** Longest continuation one request may ask for. */
export const MAX_SAMPLE_LENGTH = 4096;

export interface GenerateOptions {
  /** Tokens to generate. */
  length: number;
  /** Softmax temperature for sampling (≤ 0: greedy argmax). The returned `top` is always at temperature 1. */
  temperature: number;
  /** Seed of the sampler: same seed, same weights, same start → same text. */
  seed: number;
  /** Candidates in `top`. */
  topK: number;
  clamp?: Clamp | null;
  /** Steps the clamp stays on (from the re-read of the last token before the cursor). */
  clampSteps?: number;
}

export interface Generated {
  /** Next-token distribution at the cursor (temperature 1), most probable first. */
  top: TokenProbability[];
  text: string;
  /** Class ids generated. */
  ids: number[];
}

/**
 * @param before the state after all tokens before the cursor but the last (L × [h | c]; not modified)
 * @param last class id of the last token before the cursor, or null at offset 0
 */
export function generate(
  w: StepWeights,
  vocab: Vocab,
  before: Float32Array,
  last: number | null,
  o: GenerateOptions,
): Generated {
  const state = before.slice();
  const s = new CellScratch(w);
  const rng = new Rng(o.seed);
  let clampLeft = o.clamp ? Math.max(0, o.clampSteps ?? 0) : 0;
  const step = (token: number) => {
    cellStep(w, state, token, s, undefined, 0, clampLeft > 0 ? o.clamp : null);
    if (clampLeft > 0) clampLeft--;
  };
  if (last !== null) step(last);
  const logits = new Float32Array(w.V);
  const probs = new Float32Array(w.V);
  nextTokenLogits(w, state, logits);
  probs.set(logits);
  softmaxT(probs, 1);
  const top = topIndices(probs, Math.min(Math.max(1, o.topK), w.V)).map((id) => ({
    token: vocab.text(id),
    prob: probs[id],
  }));
  const ids: number[] = [];
  let text = '';
  const n = Math.min(MAX_SAMPLE_LENGTH, Math.max(0, o.length));
  for (let k = 0; k < n; k++) {
    if (k > 0) nextTokenLogits(w, state, logits);
    probs.set(logits);
    softmaxT(probs, o.temperature);
    const id = draw(probs, rng.next());
    ids.push(id);
    text += vocab.text(id);
    if (k + 1 < n) step(id);
  }
  return { top, text, ids };
}

/** Index drawn from a distribution with one uniform number u in [0, 1). */
export function draw(p: Float32Array, u: number): number {
  let acc = 0;
  for (let v = 0; v < p.length; v++) {
    acc += p[v];
    if (u < acc) return v;
  }
  // Rounding left the total just under u: the last class with mass.
  for (let v = p.length - 1; v >= 0; v--) if (p[v] > 0) return v;
  return 0;
}
