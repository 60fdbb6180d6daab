// The long-term-dependency lab's nouns: interventions, cell comparisons and the long-range probe.
import type { CellType, ClampTarget } from './gates';
import type { TokenProbability } from './prediction';

/** What the user asked an intervention to do. */
export interface InterventionSpec {
  layer: number;
  /** One unit, or every unit of the layer (null). */
  unit: number | null;
  target: ClampTarget;
  value: number;
  /** How many steps from the cursor the clamp holds. */
  steps: number;
}

export interface InterventionRun {
  /** Next-token distribution at the cursor (temperature 1). */
  top: TokenProbability[];
  text: string;
}

export type CompareMatch = 'params' | 'hidden';
export const COMPARE_MATCHES: readonly CompareMatch[] = ['params', 'hidden'];

export interface CompareCellsPoint {
  step: number;
  loss: number;
  heldOutBpc: number | null;
  elapsedSec: number;
}

export interface CompareCellsResult {
  cell: CellType;
  hiddenSize: number;
  params: number;
  /** Final held-out bits per character (null: no held-out split). */
  heldOutBpc: number | null;
  steps: number;
}

/** A value per compared cell (null: that cell was not compared, or there was nothing to measure). */
export type PerCell = Record<CellType, number | null>;

export interface LongRangeBucket {
  label: string;
  /** Distance in tokens from the opener to the closer, inclusive bounds (maxDistance null: unbounded). */
  minDistance: number;
  maxDistance: number | null;
  count: number;
  /** Mean probability of the correct closer, per cell. */
  meanProb: PerCell;
  /** Fraction of these closers where the correct closer was the most probable token, per cell. */
  top1: PerCell;
}
