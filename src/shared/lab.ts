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
  /** Final held-out bits per character (null: no held-out split); with early stopping, the best one. */
  heldOutBpc: number | null;
  steps: number;
  /**
   * What ended this cell's training: its held-out bpc stopped improving, the step budget, the time budget
   * (still improving, as far as anyone knows), or a cancel. Absent in results from before it was recorded.
   */
  ended?: CompareEnd;
  /** The step of the best held-out bpc seen (null: never evaluated). */
  bestStep?: number | null;
}

export type CompareEnd = 'plateau' | 'steps' | 'time' | 'cancelled';
export const COMPARE_ENDS: readonly CompareEnd[] = ['plateau', 'steps', 'time', 'cancelled'];

/** A value per compared cell (null: that cell was not compared, or there was nothing to measure). */
export type PerCell = Record<CellType, number | null>;

/** A 95 % interval [lo, hi] per compared cell (null: not compared, or nothing to measure). */
export type PerCellInterval = Record<CellType, [number, number] | null>;

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
  /** 95 % intervals: bootstrap over the closers for meanProb, Wilson for top1. */
  meanProbCi: PerCellInterval;
  top1Ci: PerCellInterval;
}

/** One gap of the recall experiment for one cell: correct recalls out of n test sequences, with a 95 % interval. */
export interface RecallPoint {
  gap: number;
  n: number;
  correct: number;
  accuracy: number;
  /** Wilson 95 % interval of the accuracy. */
  lo: number;
  hi: number;
}

export interface RecallCellResult {
  cell: CellType;
  hiddenSize: number;
  params: number;
  /** Optimisation steps taken (each one batch of sequences, back-propagated through the whole sequence). */
  steps: number;
  /** Longest gap the curriculum had reached when training ended. */
  reachedGap: number;
  points: RecallPoint[];
}

export interface RecallResult {
  /** 'stopped' when cancelled: cells holds the cells finished before. */
  status: 'done' | 'stopped';
  gaps: number[];
  /** Accuracy of guessing a cue at random (1 / number of cue symbols). */
  chance: number;
  /** The document's characters used as cues, the opener just before the cue, the marker that asks for the recall. */
  cues: string;
  opener: string;
  marker: string;
  seed: number;
  cells: RecallCellResult[];
  /** Whether the cells are separated, in words ("LSTM ahead from a gap of 50", "not separated yet: train longer"). */
  verdict: string;
  elapsedSec: number;
}

export interface RecallProgress {
  cell: CellType;
  step: number;
  steps: number;
  /** Accuracy on recent training batches (moving average) and the curriculum's current longest gap. */
  trainAccuracy: number;
  gapReached: number;
}

/** The recall experiment's defaults the panel and the palette run with (the model's options start from these). */
export const RECALL_DEFAULTS = {
  steps: 600, // measured: the LSTM masters gap 200 well within it on the synthetic text and on source files
  hiddenSize: 32, // the task needs log2(8) = 3 bits of memory; 32 units train fast at T = 200
  seed: 1337, // the documents' default seed
} as const;
