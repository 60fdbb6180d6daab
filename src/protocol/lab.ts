// The long-term-dependency lab: sampling, interventions, memory span, the cell comparison and its probe.
// Offsets are UTF-16 of the request's version; "the cursor" reads every token ending at or before offset.
// See src/worker/lab.ts for the costs.
import * as v from 'valibot';
import {
  CELL_TYPES,
  CLAMP_TARGETS,
  COMPARE_ENDS,
  COMPARE_MATCHES,
  LIMITS,
  type CellType,
  type CompareCellsPoint,
  type CompareCellsResult,
  type CompareMatch,
  type InterventionRun,
  type InterventionSpec,
  type LongRangeBucket,
  type PerCell,
  type PerCellInterval,
  type RecallCellResult,
  type RecallPoint,
  type RecallProgress,
  type RecallResult,
  type TokenProbability,
} from '../shared/domain';
import { tokenProbability } from './predict';
import { anyInt, docId, float32, int, nullableNum, num, offsets, schemaFor } from './schema';
import { docIdParams } from './document';

/** The cursor a lab request reads up to. */
export interface CursorParams {
  docId: string;
  version: number;
  offset: number;
}

/** How a continuation is written: `length` characters at `temperature` (0: greedy) with `seed`. */
export interface Sampling {
  length: number;
  temperature: number;
  seed: number;
}

export type SampleParams = CursorParams & Sampling;

export interface SampleResult {
  version: number;
  offset: number;
  text: string;
}

/**
 * Clamp a unit's (or every unit's, unit null) c or h, or force a gate, in one layer, for `steps` steps
 * starting with the step that reads the character just before the cursor; answer the next-token
 * distribution and a sampled continuation with and without it (same seed). Rows follow the trace mapping
 * of model/cells/cell.ts: on a GRU 'i' is the update gate z and 'f' the reset gate r; 'o' exists only in an LSTM.
 */
export type InterveneParams = CursorParams & Sampling & InterventionSpec & { topK: number };

export interface InterveneResult extends InterventionSpec {
  version: number;
  offset: number;
  baseline: InterventionRun;
  clamped: InterventionRun;
}

/** Memory span at the cursor over the last `window` tokens. */
export interface MemorySpanParams extends CursorParams {
  window: number;
}

export interface MemorySpanResult {
  version: number;
  offset: number;
  cell: CellType;
  hiddenSize: number;
  /** UTF-16 start of each of the T window tokens, plus the end of the last (T + 1 entries). */
  offsets: Uint32Array;
  /** (T) mean over layer-0 units of forgetProductUnits: how much of the cell written at token t survives at the cursor. */
  forgetProduct: Float32Array;
  /**
   * (T, H) layer 0: Π of the keep gate over the tokens after t up to the cursor: f for the LSTM, z for
   * the GRU (h' = z⊙h + (1 − z)⊙n); all zeros for the RNN, which has no multiplicative memory gate.
   */
  forgetProductUnits: Float32Array;
  /** (T) ‖∂ log p(target) / ∂ x_t‖₂, x_t the input embedding of token t (Distill, "Memorization in RNNs"). */
  gradNorm: Float32Array;
  /** The token whose log-probability is differentiated: the actual next one, or the most probable at the end. */
  target: TokenProbability;
}

/**
 * Train an LSTM, a GRU and an RNN on the document (same training split; the LSTM for budgetSec, the GRU and
 * RNN for as many steps as the LSTM took, capped at 8 × budgetSec), with either the same hidden size or
 * (match 'params') hidden sizes solved so each has about the parameters of an LSTM of `hiddenSize`.
 * Cancelled by stopTraining for the same document; progress arrives as compareProgress events. The
 * document's own model is untouched; the three are kept in the worker for longRangeProbe.
 */
export interface CompareCellsParams {
  docId: string;
  budgetSec: number;
  match: CompareMatch;
  hiddenSize: number;
  /** VS Code language id of the document (optional): the probe then skips brackets and quotes in comments. */
  languageId?: string;
  /**
   * A step budget per cell (the same characters for each); absent or 0: every cell trains until its held-out
   * bpc stops improving, each capped at budgetSec.
   */
  steps?: number;
}

export interface CompareCellsDone {
  /** 'done', or 'stopped' when cancelled (results then hold the cells finished or partly trained). */
  status: 'done' | 'stopped';
  results: CompareCellsResult[];
}

export interface CompareProgressEvent {
  docId: string;
  cell: CellType;
  hiddenSize: number;
  params: number;
  point: CompareCellsPoint;
}

/** Probability of the correct closing bracket / quote, by distance to its opener, per compared cell. */
export interface LongRangeResult {
  /** UTF-16 offset where the held-out text (the only text probed) begins. */
  heldOutStart: number;
  buckets: LongRangeBucket[];
  /** Whether the cells are separated (top-1 intervals), in words: "LSTM ahead beyond 20 characters". */
  verdict: string;
}

/**
 * The recall experiment on the document's characters (model/lab/recall.ts): each cell trained `steps`
 * steps on private weights, then tested per gap. Cancelled by stopTraining for the same document (the
 * answer then has status 'stopped'); progress arrives as recallProgress events.
 */
export interface RecallParams {
  docId: string;
  steps: number;
  match: CompareMatch;
  /** The LSTM's hidden size (the others match it). */
  hiddenSize: number;
  seed: number;
}

export interface RecallProgressEvent extends RecallProgress {
  docId: string;
}

const cursor = { docId, version: anyInt, offset: int() };
const sampling = { length: int(LIMITS.sampleLength), temperature: num(LIMITS.temperature), seed: anyInt };

/** The bounds of a clamp (one definition for the webview's request and the worker's). */
export const interventionSpec = schemaFor<InterventionSpec>()(
  v.pipe(
    v.object({
      layer: int({ min: 0, max: LIMITS.layers.max - 1 }),
      unit: v.nullable(int({ min: 0, max: LIMITS.hiddenSize.max - 1 })),
      target: v.picklist(CLAMP_TARGETS),
      value: num(),
      steps: int(LIMITS.clampSteps),
    }),
    v.check(
      (s) =>
        s.target === 'c' || s.target === 'h'
          ? s.value >= LIMITS.clampState.min && s.value <= LIMITS.clampState.max
          : s.value >= LIMITS.clampGate.min && s.value <= LIMITS.clampGate.max,
      'gates are clamped within [0, 1], c and h within ±10',
    ),
  ),
);

const interventionRun = schemaFor<InterventionRun>()(v.object({ top: v.array(tokenProbability), text: v.string() }));
const cell = v.picklist(CELL_TYPES);

export const compareCellsPoint = schemaFor<CompareCellsPoint>()(
  v.object({ step: int(), loss: num(), heldOutBpc: nullableNum, elapsedSec: num() }),
);

export const compareCellsResult = schemaFor<CompareCellsResult>()(
  v.object({
    cell,
    hiddenSize: int(),
    params: int(),
    heldOutBpc: nullableNum,
    steps: int(),
    ended: v.optional(v.picklist(COMPARE_ENDS)),
    bestStep: v.optional(v.nullable(int())),
  }),
);

const perCell = schemaFor<PerCell>()(v.object({ lstm: nullableNum, gru: nullableNum, rnn: nullableNum }));
const interval = v.nullable(v.tuple([num(), num()]));
const perCellInterval = schemaFor<PerCellInterval>()(v.object({ lstm: interval, gru: interval, rnn: interval }));

export const longRangeBucket = schemaFor<LongRangeBucket>()(
  v.object({
    label: v.string(),
    minDistance: int(),
    maxDistance: v.nullable(int()),
    count: int(),
    meanProb: perCell,
    top1: perCell,
    meanProbCi: perCellInterval,
    top1Ci: perCellInterval,
  }),
);

const recallPoint = schemaFor<RecallPoint>()(
  v.object({ gap: int(), n: int(), correct: int(), accuracy: num(), lo: num(), hi: num() }),
);
const recallCell = schemaFor<RecallCellResult>()(
  v.object({
    cell,
    hiddenSize: int(),
    params: int(),
    steps: int(),
    reachedGap: int(),
    points: v.array(recallPoint),
  }),
);
export const recallResult = schemaFor<RecallResult>()(
  v.object({
    status: v.picklist(['done', 'stopped']),
    gaps: v.array(int()),
    chance: num(),
    cues: v.string(),
    opener: v.string(),
    marker: v.string(),
    seed: anyInt,
    cells: v.array(recallCell),
    verdict: v.string(),
    elapsedSec: num(),
  }),
);
export const recallProgress = schemaFor<RecallProgress>()(
  v.object({ cell, step: int(), steps: int(), trainAccuracy: num(), gapReached: int() }),
);

export const labCalls = {
  sample: {
    params: schemaFor<SampleParams>()(v.object({ ...cursor, ...sampling })),
    result: schemaFor<SampleResult>()(v.object({ version: anyInt, offset: int(), text: v.string() })),
  },
  intervene: {
    params: schemaFor<InterveneParams>()(
      v.intersect([v.object({ ...cursor, ...sampling, topK: int(LIMITS.topK) }), interventionSpec]),
    ),
    result: schemaFor<InterveneResult>()(
      v.intersect([
        v.object({ version: anyInt, offset: int(), baseline: interventionRun, clamped: interventionRun }),
        interventionSpec,
      ]),
    ),
  },
  memorySpan: {
    params: schemaFor<MemorySpanParams>()(v.object({ ...cursor, window: int(LIMITS.memoryWindow) })),
    result: schemaFor<MemorySpanResult>()(
      v.pipe(
        v.object({
          version: anyInt,
          offset: int(),
          cell,
          hiddenSize: int(),
          offsets,
          forgetProduct: float32,
          forgetProductUnits: float32,
          gradNorm: float32,
          target: tokenProbability,
        }),
        v.check(
          (m) =>
            m.offsets.length === m.forgetProduct.length + 1 &&
            m.gradNorm.length === m.forgetProduct.length &&
            m.forgetProductUnits.length === m.forgetProduct.length * m.hiddenSize,
          'T + 1 offsets, T products and gradients, T × H unit products',
        ),
      ),
    ),
  },
  compareCells: {
    params: schemaFor<CompareCellsParams>()(
      v.object({
        docId,
        budgetSec: v.pipe(num(LIMITS.compareBudgetSec), v.gtValue(LIMITS.compareBudgetSec.min)),
        match: v.picklist(COMPARE_MATCHES),
        hiddenSize: int(LIMITS.hiddenSize),
        languageId: v.optional(v.string()),
        steps: v.optional(int(LIMITS.recallSteps)),
      }),
    ),
    result: schemaFor<CompareCellsDone>()(
      v.object({ status: v.picklist(['done', 'stopped']), results: v.array(compareCellsResult) }),
    ),
  },
  recallExperiment: {
    params: schemaFor<RecallParams>()(
      v.object({
        docId,
        steps: int(LIMITS.recallSteps),
        match: v.picklist(COMPARE_MATCHES),
        hiddenSize: int(LIMITS.hiddenSize),
        seed: anyInt,
      }),
    ),
    result: recallResult,
  },
  longRangeProbe: {
    params: docIdParams,
    result: schemaFor<LongRangeResult>()(
      v.object({ heldOutStart: int(), buckets: v.array(longRangeBucket), verdict: v.string() }),
    ),
  },
};

export const labEvents = {
  recallProgress: schemaFor<RecallProgressEvent>()(v.intersect([v.object({ docId }), recallProgress])),
  compareProgress: schemaFor<CompareProgressEvent>()(
    v.object({ docId, cell, hiddenSize: int(), params: int(), point: compareCellsPoint }),
  ),
};
