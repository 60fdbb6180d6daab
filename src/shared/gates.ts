// The rows of a recurrent cell's trace, the cells the engine knows and what an intervention may clamp.

/** Trace rows per unit, in order: input, forget, candidate, output gates, then cell and hidden state. */
export const GATE_NAMES = ['i', 'f', 'g', 'o', 'c', 'h'] as const;
export type GateName = (typeof GATE_NAMES)[number];

/** Recurrent cells: see model/cells/cell.ts for their equations and how each fills the six trace rows. */
export const CELL_TYPES = ['lstm', 'gru', 'rnn'] as const;
export type CellType = (typeof CELL_TYPES)[number];

/** What an intervention may hold fixed: the cell or hidden state, or one of the gates that has a meaning. */
export const CLAMP_TARGETS = ['c', 'h', 'f', 'i', 'o'] as const;
export type ClampTarget = (typeof CLAMP_TARGETS)[number];
