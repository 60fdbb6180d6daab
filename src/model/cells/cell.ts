// The three recurrent cells the engine can train and run: LSTM (default), GRU and a vanilla tanh RNN, and the
// one Cell interface their readable references (lstm.ts, gru.ts, rnn.ts; cellFor picks one) implement.
//
// Equations (x the layer input, h/c the previous state; a = x·Wx + b, blocks along G·H):
//   lstm  G=4  blocks i|f|g|o:  i,f,o = σ(a + h·Wh), g = tanh(·), c' = f⊙c + i⊙g, h' = o⊙tanh(c')
//   gru   G=3  blocks z|r|n (tfjs/Keras GRU with reset_after = false, the only form tfjs implements):
//               z = σ(a_z + h·Wh_z), r = σ(a_r + h·Wh_r), n = tanh(a_n + (r⊙h)·Wh_n),
//               h' = z⊙h + (1 − z)⊙n            (z is the KEEP gate: z = 1 copies the old state)
//   rnn   G=1  h' = tanh(a + h·Wh)              (tfjs simpleRNN)
//
// State layout is the same for every cell (per layer [h | c], see lstm.ts); GRU and RNN keep c = h.
// Trace rows (i, f, g, o, c, h) — the 6-row layout of the panel — map as follows:
//   lstm  i, f, g, o, c, h                     (as named)
//   gru   i ← z (update/keep gate), f ← r (reset gate), g ← n (candidate), o ← 0, c ← h', h ← h'
//   rnn   i ← 0, f ← 0, g ← h' (the tanh output is the candidate), o ← 0, c ← h', h ← h'
// Interventions name these rows too: clamping 'i' on a GRU clamps z, 'f' clamps r; 'o' exists only in
// the LSTM and no gate exists in the RNN.

import type { CellType, ClampTarget, GateName } from '../../shared/domain';

export { CELL_TYPES, type CellType } from '../../shared/domain';

/** Gate blocks per unit in the kernels: the G of (In, G·H). */
export function gateCount(cell: CellType): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
}

/** Trace rows a cell really has (the others are written as zeros). */
export function hasRow(cell: CellType, row: GateName): boolean {
  if (cell === 'lstm') return true;
  if (cell === 'gru') return row !== 'o';
  return row === 'g' || row === 'c' || row === 'h';
}

/** Whether an intervention target exists for a cell (see the mapping above). */
export function canClamp(cell: CellType, target: ClampTarget): boolean {
  if (target === 'c' || target === 'h') return true;
  if (cell === 'lstm') return true;
  if (cell === 'gru') return target !== 'o';
  return false;
}

/** Float32 on the inference path, float64 in memory span's forward: the cells run on either. */
export type Vec = Float32Array | Float64Array;

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Overrides `target` of `unit` (null: every unit) in `layer` with `value`, after it is computed. */
export interface Clamp {
  layer: number;
  unit: number | null;
  target: ClampTarget;
  value: number;
}

/**
 * One layer of one cell, batch 1, on the shared state layout. `step` reads one input:
 *   a      (G·H) holds x·Wx + b of this layer on entry; the cell adds h·Wh and uses it as scratch
 *   state  this layer's h at `at` and c at `at + H`, updated in place (GRU/RNN write c = h)
 *   clamp  this layer's intervention (or null), applied right after the named value is computed
 *   rows   when given, the six rows i, f, g, o, c, h (mapped as above) written at rows[rowAt + r·H + k]
 */
export interface Cell {
  readonly type: CellType;
  /** Gate blocks: the G of (H, G·H). */
  readonly G: number;
  readonly H: number;
  step(a: Vec, state: Vec, at: number, clamp: Clamp | null, rows: Vec | null, rowAt: number): void;
}

/** Whether `clamp` overrides `target` of unit k. */
export function hits(clamp: Clamp | null, k: number, target: ClampTarget): boolean {
  return clamp !== null && clamp.target === target && (clamp.unit === null || clamp.unit === k);
}

/** Writes unit k of the six trace rows at `t0`. */
export function writeRows(
  rows: Vec,
  t0: number,
  H: number,
  k: number,
  i: number,
  f: number,
  g: number,
  o: number,
  c: number,
  h: number,
): void {
  rows[t0 + k] = i;
  rows[t0 + H + k] = f;
  rows[t0 + 2 * H + k] = g;
  rows[t0 + 3 * H + k] = o;
  rows[t0 + 4 * H + k] = c;
  rows[t0 + 5 * H + k] = h;
}
