// The three recurrent cells the engine can train and run: LSTM (default), GRU and a vanilla tanh RNN.
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
