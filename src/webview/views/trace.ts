// Reading the (T, 6, H) gate trace a prediction carries: one value, one row, one unit over time.

import { GATE_NAMES, GateName, Prediction } from '../../shared/protocol';

export const GATE_LABELS: Record<GateName, string> = {
  i: 'input gate',
  f: 'forget gate',
  g: 'candidate',
  o: 'output gate',
  c: 'cell state',
  h: 'hidden state',
};

export function gateIndex(gate: GateName): number {
  return GATE_NAMES.indexOf(gate);
}

/** Value of `gate` for `unit` at time step `t` of layer `layer`. */
export function traceValue(p: Prediction, layer: number, t: number, gate: GateName, unit: number): number {
  const H = p.hiddenSize;
  return p.trace[layer].values[(t * 6 + gateIndex(gate)) * H + unit];
}

/** The H values of `gate` at time step `t` (a view, no copy). */
export function gateRow(p: Prediction, layer: number, t: number, gate: GateName): Float32Array {
  const H = p.hiddenSize;
  const start = (t * 6 + gateIndex(gate)) * H;
  return p.trace[layer].values.subarray(start, start + H);
}

/** Steps in the trace (0 at the very start of the document). */
export function traceLength(p: Prediction): number {
  return p.contextTokens.length;
}
