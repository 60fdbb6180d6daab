// Picks the readable reference Cell for a layer, so callers are written once against the Cell interface.
import type { Cell, CellType, Vec } from './cell';
import { GruCell } from './gru';
import { LstmCell } from './lstm';
import { RnnCell } from './rnn';

/** The cell `type` over one layer's (H, G·H) recurrent kernel `Wh` (float32 or float64). */
export function cellFor(type: CellType, H: number, Wh: Vec): Cell {
  if (type === 'gru') return new GruCell(H, Wh);
  if (type === 'rnn') return new RnnCell(H, Wh);
  return new LstmCell(H, Wh);
}
