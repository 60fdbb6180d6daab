// The softmax cross-entropy both training graphs end in, over the read-out's logits: no Math.exp per logit —
// exp(x − max) comes from one vectorised sigmoid over all T·B rows, eᵘ = σ(u)/(1 − σ(u)) for u ≤ 0.
import type { Arena, Buf } from '../arena';
import { meanScale } from './ops';
import type { ReadOut } from './readOut';

/**
 * Adds the bias, softmaxes each row, returns mean −log p(target) over rows whose target is ≥ 0; with
 * `grad`, writes dLogits = (p − onehot)/valid rows (padding rows, target −1, get none). `probs` is (rows, V)
 * scratch.
 */
export function softmaxCrossEntropy(
  arena: Arena,
  out: ReadOut,
  probs: Buf,
  targets: Int32Array,
  rows: number,
  V: number,
  grad: boolean,
): number {
  const logits = out.logits.v;
  const bias = out.by.v;
  for (let r = 0; r < rows; r++) {
    const o = r * V;
    let max = -Infinity;
    for (let v = 0; v < V; v++) {
      const x = logits[o + v] + bias[v];
      logits[o + v] = x;
      if (x > max) max = x;
    }
    for (let v = 0; v < V; v++) logits[o + v] -= max;
  }
  arena.sigmoid(out.logits, probs);
  const p = probs.v;
  const dL = out.dLogits.v;
  const inv = meanScale(targets);
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * V;
    if (targets[r] < 0) {
      // Padding (evaluation past the end of the held-out text): no loss, no gradient.
      if (grad) dL.fill(0, o, o + V);
      continue;
    }
    let sum = 0;
    for (let v = 0; v < V; v++) {
      const s = p[o + v];
      const e = s / (1 - s); // exp(logit − max)
      p[o + v] = e;
      sum += e;
    }
    loss += Math.log(sum) - logits[o + targets[r]]; // −log softmax at the target (max cancels)
    if (grad) {
      const scale = inv / sum;
      for (let v = 0; v < V; v++) dL[o + v] = p[o + v] * scale;
      dL[o + targets[r]] -= inv;
    }
  }
  return loss * inv;
}
