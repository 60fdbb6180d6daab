// The one contract for every message between extension host, trainer worker and webview.
// Each direction is a discriminated union; each has a runtime parser, because a message that
// crosses a thread or a frame is untrusted until it has been checked.

import {
  CELL_TYPES,
  CLAMP_TARGETS,
  COMPARE_MATCHES,
  GATE_NAMES,
  INSIGHT_FEATURES,
  inRange,
  LIMITS,
  MATCH_DIRECTIONS,
  OVERLAY_KINDS,
  TRAINING_STATUSES,
  type CellType,
  type ClampTarget,
  type CompareCellsPoint,
  type CompareCellsResult,
  type CompareMatch,
  type FeatureStats,
  type GateName,
  type InterventionRun,
  type InterventionSpec,
  type LongRangeBucket,
  type MatchDirection,
  type ModelConfig,
  type OverlayKind,
  type Prediction,
  type TextEdit,
  type TokenProbability,
  type TrainingConfig,
  type TrainingProgress,
  type TrainingSnapshot,
  type TrainingStatus,
  type UnitLabel,
  type UnitMatch,
} from './domain';
import { isFiniteNumber, isInt, isObject, isString, isOneOf, isArrayOf } from './validate';

// The shared vocabulary, re-exported so a view module finds every noun of the contract in one place.
export * from './domain';

// ───────────────────────────── shared data ─────────────────────────────

/** The document the panel is showing. */
export interface DocumentInfo {
  uri: string;
  fileName: string;
  languageId: string;
  version: number;
  /** Length in UTF-16 code units, the editor's offsets. */
  length: number;
  lineCount: number;
}

export interface CursorInfo {
  version: number;
  /** Editor offset (UTF-16 code units). */
  offset: number;
  line: number;
  character: number;
  /** The text just before the cursor (at most the context window), shown as data, never as HTML. */
  before: string;
  /** The character at the cursor, '' at the end of the document. */
  next: string;
}

// ─────────────────────────── host ↔ worker ───────────────────────────

export type HostToWorker =
  | { type: 'setDocument'; docId: string; version: number; text: string }
  // A large text arrives in slices (host/workerOutbox.ts), so no host handler copies megabytes at once:
  // chunks at offsets 0, n1, n2, … of one version, then documentEnd; together they act as setDocument.
  | { type: 'documentChunk'; docId: string; version: number; offset: number; text: string }
  | { type: 'documentEnd'; docId: string; version: number; length: number }
  | { type: 'editDocument'; docId: string; version: number; edits: TextEdit[] }
  | { type: 'disposeDocument'; docId: string }
  | {
      type: 'train';
      docId: string;
      model: ModelConfig;
      training: TrainingConfig;
      resume: boolean;
      /** Fault injection for tests only (LensController.injectDivergenceForTesting): the loss reads NaN at this step. */
      faultAtStepForTesting?: number;
    }
  | { type: 'stopTraining'; docId: string }
  | {
      type: 'predict';
      docId: string;
      requestId: number;
      version: number;
      offset: number;
      topK: number;
      context: number;
    }
  | { type: 'exportModel'; docId: string; requestId: number }
  | { type: 'importModel'; docId: string; requestId: number; json: string; weights: ArrayBuffer }
  // ── insight in the editor (answers: unitValues, surprisal, alternatives, unitMatches, unitLabels) ──
  | UnitValuesRequest
  | SurprisalRequest
  | AlternativesRequest
  | FindUnitsRequest
  | LabelUnitsRequest
  // ── the long-term-dependency lab (answers in LabWorkerToHost, parsed by parseLabWorkerMessage) ──
  | LabRequest;

export type WorkerToHost =
  | { type: 'ready'; backend: string; detail: string }
  | { type: 'trainingStatus'; docId: string; status: TrainingStatus; message: string | null }
  | { type: 'trainingProgress'; docId: string; progress: TrainingProgress }
  | { type: 'prediction'; docId: string; requestId: number; version: number; offset: number; prediction: Prediction }
  | { type: 'modelExported'; docId: string; requestId: number; json: string; weights: ArrayBuffer }
  | { type: 'modelImported'; docId: string; requestId: number }
  | { type: 'requestFailed'; docId: string; requestId: number; message: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | UnitValuesAnswer
  | SurprisalAnswer
  | AlternativesAnswer
  | UnitMatchesAnswer
  | UnitLabelsAnswer
  | LabWorkerToHost;

// ─────────────────────── insight in the editor ───────────────────────
// Ranges are UTF-16 [start, end) of the document version named in the request; an answer covers the
// tokens that overlap the range, and `offsets` (tokens + 1 entries) gives each token's exact span
// [offsets[k], offsets[k+1]) (a CRLF or an emoji is one token of two code units).
// A value at token k is the model's state right after reading token k, computed with the same bounded
// history as cursor predictions (see model/stateCache.ts), so it equals the last trace row of a
// prediction at offsets[k+1]. Every failure answers requestFailed with the request's id.

/** Values of one (layer, gate, unit) over a range: the activation overlay. */
export interface UnitValuesRequest {
  type: 'unitValues';
  docId: string;
  requestId: number;
  version: number;
  start: number;
  end: number;
  layer: number;
  gate: GateName;
  unit: number;
}

export interface UnitValuesAnswer {
  type: 'unitValues';
  docId: string;
  requestId: number;
  version: number;
  layer: number;
  gate: GateName;
  unit: number;
  /** UTF-16 start of each token, plus the end of the last one (values.length + 1 entries). */
  offsets: Uint32Array;
  values: Float32Array;
}

/** Surprisal of each token over a range: the surprisal overlay. */
export interface SurprisalRequest {
  type: 'surprisal';
  docId: string;
  requestId: number;
  version: number;
  start: number;
  end: number;
}

export interface SurprisalAnswer {
  type: 'surprisal';
  docId: string;
  requestId: number;
  version: number;
  offsets: Uint32Array;
  /** −log2 p(token k | the text before it), bits; one per token. */
  bits: Float32Array;
  /** UTF-16 offset where the held-out tail begins (tokens from here on were never trained on). */
  heldOutStart: number;
}

/** Top-k alternatives for the token at (containing) an offset: the surprisal hover. */
export interface AlternativesRequest {
  type: 'alternatives';
  docId: string;
  requestId: number;
  version: number;
  offset: number;
  topK: number;
}

export interface AlternativesAnswer {
  type: 'alternatives';
  docId: string;
  requestId: number;
  version: number;
  offset: number;
  /** The token being predicted: [tokenStart, tokenEnd); tokenStart === tokenEnd at the end of the text. */
  tokenStart: number;
  tokenEnd: number;
  top: TokenProbability[];
  /** The token actually there, as in Prediction.actual (null at the end of the text). */
  actual: Prediction['actual'];
  heldOut: boolean;
  heldOutStart: number;
}

/** Find units by example (LSTMVis hypothesis): units high (or low) inside the selections, not outside. */
export interface FindUnitsRequest {
  type: 'findUnits';
  docId: string;
  requestId: number;
  version: number;
  selections: { start: number; end: number }[];
  direction: MatchDirection;
  /** Which rows to rank; default ['c', 'h']. */
  gates?: GateName[];
  /** Matches returned; default 20, at most 200. */
  limit?: number;
}

export interface UnitMatchesAnswer {
  type: 'unitMatches';
  docId: string;
  requestId: number;
  version: number;
  direction: MatchDirection;
  matches: UnitMatch[];
  /** The UTF-16 ranges compared (the selections plus padding around them), and token counts. */
  window: { start: number; end: number }[];
  insideTokens: number;
  outsideTokens: number;
}

/** Automatic unit labels: Pearson r of each unit's c and h with lexical features on held-out text. */
export interface LabelUnitsRequest {
  type: 'labelUnits';
  docId: string;
  requestId: number;
  /** VS Code language id; picks the lexical scanner (C-like, Python, shell, prose). */
  languageId: string;
}

export interface UnitLabelsAnswer {
  type: 'unitLabels';
  docId: string;
  requestId: number;
  version: number;
  /** 'c-like' | 'python' | 'shell' | 'prose'. */
  family: string;
  heldOutStart: number;
  /** Held-out tokens analysed. */
  tokens: number;
  /** Per analysed feature: its mean and standard deviation on those tokens (sd 0: no label possible). */
  features: FeatureStats[];
  /** For each feature, the best units by |r| (strongest first). */
  labels: UnitLabel[];
}

// ─────────────────── the long-term-dependency lab ───────────────────
// Requests go in HostToWorker (parsed by parseHostToWorker); the answers, LabWorkerToHost, are part of
// WorkerToHost and parsed by parseLabWorkerMessage, which parseWorkerMessage falls back to.
// Offsets are UTF-16 of the request's version; "the cursor" reads every token ending at or before offset.
// Every failure answers requestFailed with the request's id. See src/worker/lab.ts for the costs.

/** A continuation of `length` characters from the cursor, sampled at `temperature` (≤ 0: greedy) with `seed`. */
export interface SampleRequest {
  type: 'sample';
  docId: string;
  requestId: number;
  version: number;
  offset: number;
  length: number;
  temperature: number;
  seed: number;
}

export interface SampleAnswer {
  type: 'sampled';
  docId: string;
  requestId: number;
  version: number;
  offset: number;
  text: string;
}

/**
 * Clamp a unit's (or every unit's, unit null) c or h, or force a gate, in one layer, for `steps` steps
 * starting with the step that reads the character just before the cursor; answer the next-token
 * distribution and a sampled continuation with and without it (same seed). Rows follow the trace mapping
 * of cells/cell.ts: on a GRU 'i' is the update gate z and 'f' the reset gate r; 'o' exists only in an LSTM.
 */
export interface InterveneRequest {
  type: 'intervene';
  docId: string;
  requestId: number;
  version: number;
  offset: number;
  layer: number;
  unit: number | null;
  target: ClampTarget;
  value: number;
  steps: number;
  length: number;
  temperature: number;
  seed: number;
  topK: number;
}

export interface InterventionAnswer {
  type: 'intervention';
  docId: string;
  requestId: number;
  version: number;
  offset: number;
  layer: number;
  unit: number | null;
  target: ClampTarget;
  value: number;
  steps: number;
  baseline: InterventionRun;
  clamped: InterventionRun;
}

/** Memory span at the cursor over the last `window` (≤ 128) tokens. */
export interface MemorySpanRequest {
  type: 'memorySpan';
  docId: string;
  requestId: number;
  version: number;
  offset: number;
  window: number;
}

export interface MemorySpanAnswer {
  type: 'memorySpan';
  docId: string;
  requestId: number;
  version: number;
  offset: number;
  cell: CellType;
  hiddenSize: number;
  /** UTF-16 start of each of the T window tokens, plus the end of the last (T + 1 entries). */
  offsets: Uint32Array;
  /**
   * (T) mean over layer-0 units of forgetProductUnits: how much of the cell written at token t survives
   * at the cursor. The last token's is 1.
   */
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
 * RNN for as many steps as the LSTM took — the same characters — capped at 8 × budgetSec), with either the
 * same hidden size or (match 'params') hidden sizes solved so each has about the parameters of an LSTM of
 * `hiddenSize`. Cancelled by stopTraining for the same document. The document's own model is untouched;
 * the three are kept in the worker for longRangeProbe.
 */
export interface CompareCellsRequest {
  type: 'compareCells';
  docId: string;
  requestId: number;
  budgetSec: number;
  match: 'params' | 'hidden';
  hiddenSize: number;
  /** VS Code language id of the document (optional): the probe then skips brackets and quotes in comments. */
  languageId?: string;
}

export interface CompareProgress {
  type: 'compareProgress';
  docId: string;
  requestId: number;
  cell: CellType;
  hiddenSize: number;
  params: number;
  point: CompareCellsPoint;
}

export interface CompareDone {
  type: 'compareDone';
  docId: string;
  requestId: number;
  /** 'done', or 'stopped' when cancelled (results then hold the cells finished or partly trained). */
  status: 'done' | 'stopped';
  results: CompareCellsResult[];
}

/** Probability of the correct closing bracket / quote, by distance to its opener, per compared cell. */
export interface LongRangeProbeRequest {
  type: 'longRangeProbe';
  docId: string;
  requestId: number;
}

export interface LongRangeAnswer {
  type: 'longRange';
  docId: string;
  requestId: number;
  /** UTF-16 offset where the held-out text (the only text probed) begins. */
  heldOutStart: number;
  buckets: LongRangeBucket[];
}

export type LabRequest =
  SampleRequest | InterveneRequest | MemorySpanRequest | CompareCellsRequest | LongRangeProbeRequest;

export type LabWorkerToHost =
  SampleAnswer | InterventionAnswer | MemorySpanAnswer | CompareProgress | CompareDone | LongRangeAnswer;

// ─────────────────────────── host ↔ webview ───────────────────────────

/** What the webview persists across reloads (small, see `setState`). */
export interface ViewState {
  selectedGate: GateName;
  pinnedUnit: number | null;
  pinnedLayer: number;
}

export const DEFAULT_VIEW_STATE: ViewState = { selectedGate: 'c', pinnedUnit: null, pinnedLayer: 0 };

/** Editor insight for the current document: which overlay is on, unit labels and example matches. */
export interface InsightSnapshot {
  overlay: OverlayKind;
  labelsState: 'none' | 'computing' | 'ready' | 'failed';
  labels: UnitLabel[];
  /** Lexical family the labels were computed with ('c-like', 'python', 'shell', 'prose'). */
  family: string | null;
  matches: UnitMatch[];
  /** Human-readable note (e.g. why labels failed, what the matches compared). */
  note: string | null;
}

export const EMPTY_INSIGHT: InsightSnapshot = {
  overlay: 'none',
  labelsState: 'none',
  labels: [],
  family: null,
  matches: [],
  note: null,
};

/** A continuation the model wrote from a cursor position, at a temperature. */
export interface SampleSnapshot {
  version: number;
  offset: number;
  temperature: number;
  text: string;
}

/** Memory span at a cursor, as the panel strip and the editor overlay show it. */
export interface MemorySpanView {
  version: number;
  offset: number;
  cell: CellType;
  hiddenSize: number;
  /** The T characters before the cursor, oldest first (data, never HTML). */
  tokens: string[];
  /** UTF-16 start of each token in the document, plus the end of the last (T + 1). */
  offsets: number[];
  /** (T) gradient connectivity ‖∂ log p / ∂ x_t‖ on a log scale: 1 at its peak, 0 at a thousandth of it or less. */
  gradient: number[];
  /** (T) mean over units of the keep-gate product from t to the cursor: how much of the cell written at t survives. */
  memory: number[];
  /** (T, H) the same product per unit (row-major), so the panel can show the pinned unit's own memory. */
  memoryUnits: Float32Array;
  /** The token whose log-probability was differentiated. */
  target: TokenProbability;
}

export interface InterventionView {
  spec: InterventionSpec;
  version: number;
  offset: number;
  baseline: InterventionRun;
  clamped: InterventionRun;
}

export interface CompareCurve {
  cell: CellType;
  hiddenSize: number;
  params: number;
  points: CompareCellsPoint[];
}

/** A cell comparison and its long-range probe, as the panel charts them. */
export interface CompareView {
  status: 'running' | 'done' | 'stopped' | 'failed';
  match: CompareMatch;
  /** Training seconds of the first cell (the LSTM); the others then train for as many steps. */
  budgetSec: number;
  curves: CompareCurve[];
  results: CompareCellsResult[];
  probe: { state: 'none' | 'computing' | 'ready' | 'failed'; buckets: LongRangeBucket[] };
  note: string | null;
}

/** The long-term-dependency lab's state for the current document. */
export interface LabSnapshot {
  /** The last continuation sampled from the cursor. */
  sample: SampleSnapshot | null;
  memory: MemorySpanView | null;
  /** True while the memory span follows the cursor (the editor overlay is on). */
  memoryFollow: boolean;
  intervention: InterventionView | null;
  compare: CompareView | null;
  /** Lab requests in flight, so buttons can say so. */
  pending: LabPending[];
  /** The last lab failure, in words, and which tool it came from. */
  error: { kind: LabPending; message: string } | null;
}

export type LabPending = 'sample' | 'memory' | 'intervene';
export const LAB_PENDING: readonly LabPending[] = ['sample', 'memory', 'intervene'];

export const EMPTY_LAB: LabSnapshot = {
  sample: null,
  memory: null,
  memoryFollow: false,
  intervention: null,
  compare: null,
  pending: [],
  error: null,
};

/** Everything the panel shows; the webview is a pure view of this. */
export interface PanelSnapshot {
  document: DocumentInfo | null;
  cursor: CursorInfo | null;
  training: TrainingSnapshot | null;
  prediction: Prediction | null;
  view: ViewState;
  settings: { topK: number; contextWindow: number };
  insight: InsightSnapshot;
  /** The long-term-dependency lab. */
  lab: LabSnapshot;
  /** Localised UI strings, keyed by English source string. */
  strings: Record<string, string>;
}

/** New points on the compare curves, appended in the webview (the curves are not re-sent). */
export interface ComparePoints {
  cell: CellType;
  hiddenSize: number;
  params: number;
  point: CompareCellsPoint;
}

/** One slice of the panel's state; a patch carries the slices that changed in one tick, in this order. */
export type PanelUpdate =
  | { type: 'document'; document: DocumentInfo | null }
  | { type: 'settings'; settings: PanelSnapshot['settings'] }
  | { type: 'view'; view: ViewState }
  | { type: 'training'; training: TrainingSnapshot }
  | { type: 'cursor'; cursor: CursorInfo }
  | { type: 'prediction'; version: number; offset: number; prediction: Prediction | null }
  | { type: 'insight'; insight: InsightSnapshot }
  | { type: 'lab'; lab: LabSnapshot }
  | { type: 'comparePoints'; points: ComparePoints[] };

/**
 * The full state on `ready` and when the panel becomes visible; after that one patch per tick (a cursor and
 * its prediction travel in the same patch when the worker answers within a frame). A bare update is a
 * patch of one.
 */
export type HostToWebview =
  { type: 'snapshot'; snapshot: PanelSnapshot } | { type: 'patch'; updates: PanelUpdate[] } | PanelUpdate;

export type WebviewCommand =
  | 'train'
  | 'stop'
  | 'retrain'
  | 'reset'
  | 'overlayActivation'
  | 'overlaySurprisal'
  | 'overlayOff'
  | 'labelUnits'
  | 'findUnits';
export const WEBVIEW_COMMANDS: readonly WebviewCommand[] = [
  'train',
  'stop',
  'retrain',
  'reset',
  'overlayActivation',
  'overlaySurprisal',
  'overlayOff',
  'labelUnits',
  'findUnits',
];

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'command'; command: WebviewCommand }
  | { type: 'viewState'; view: ViewState }
  | { type: 'sample'; temperature: number }
  | { type: 'measureMemory' }
  | { type: 'followMemory'; on: boolean }
  | { type: 'intervene'; spec: InterventionSpec; temperature: number }
  | { type: 'resetIntervention' }
  | { type: 'compareCells'; match: CompareMatch }
  | { type: 'stopCompare' };

// ─────────────────────────── runtime parsers ───────────────────────────

// The host is the only sender of what the webview parses, so these check shapes only; the bounds a user
// request must keep live in src/protocol/webview.ts.
function isInterventionSpecShape(x: unknown): x is InterventionSpec {
  return (
    isObject(x) &&
    isInt(x.layer) &&
    (x.unit === null || isInt(x.unit)) &&
    isOneOf(x.target, CLAMP_TARGETS) &&
    isFiniteNumber(x.value) &&
    isInt(x.steps)
  );
}

function isViewStateShape(x: unknown): x is ViewState {
  return (
    isObject(x) &&
    isOneOf(x.selectedGate, GATE_NAMES) &&
    (x.pinnedUnit === null || isInt(x.pinnedUnit)) &&
    isInt(x.pinnedLayer)
  );
}

function isTrainingProgress(raw: unknown): raw is TrainingProgress {
  return (
    isObject(raw) &&
    isInt(raw.step) &&
    isFiniteNumber(raw.loss) &&
    (raw.heldOutBpc === null || isFiniteNumber(raw.heldOutBpc)) &&
    isFiniteNumber(raw.epoch) &&
    isFiniteNumber(raw.charsPerSec) &&
    isFiniteNumber(raw.elapsedSec) &&
    (raw.etaSec === null || isFiniteNumber(raw.etaSec))
  );
}

/** The actual next token's probability, rank and surprisal (null: none). */
const isActualOrNull = (a: unknown) =>
  a === null || (isObject(a) && isString(a.token) && isFiniteNumber(a.prob) && isInt(a.rank) && isFiniteNumber(a.bits));

const isUnitMatch = (u: unknown): u is UnitMatch =>
  isObject(u) &&
  isInt(u.layer) &&
  isOneOf(u.gate, GATE_NAMES) &&
  isInt(u.unit) &&
  isFiniteNumber(u.score) &&
  isFiniteNumber(u.effect) &&
  isFiniteNumber(u.meanInside) &&
  isFiniteNumber(u.meanOutside);

const isUnitLabel = (l: unknown): l is UnitLabel =>
  isObject(l) &&
  isOneOf(l.feature, INSIGHT_FEATURES) &&
  isInt(l.layer) &&
  isOneOf(l.gate, ['c', 'h'] as const) &&
  isInt(l.unit) &&
  isFiniteNumber(l.r);

function isPrediction(raw: unknown): raw is Prediction {
  if (!isObject(raw)) return false;
  if (!isInt(raw.hiddenSize) || !isInt(raw.layers)) return false;
  if (!isArrayOf(raw.top, isTokenProbability)) return false;
  if (!isArrayOf(raw.contextTokens, isString)) return false;
  if (!isActualOrNull(raw.actual)) return false;
  const expected = raw.contextTokens.length * 6 * raw.hiddenSize;
  return (
    isArrayOf(raw.trace, (l) => isObject(l) && l.values instanceof Float32Array && l.values.length === expected) &&
    raw.trace.length === raw.layers
  );
}

/** Parses a message from the trainer worker; undefined when malformed. */
export function parseWorkerMessage(raw: unknown): WorkerToHost | undefined {
  if (!isObject(raw) || !isString(raw.type)) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return isString(m.backend) && isString(m.detail) ? (m as WorkerToHost) : undefined;
    case 'trainingStatus':
      return isString(m.docId) && isOneOf(m.status, TRAINING_STATUSES) && (m.message === null || isString(m.message))
        ? (m as WorkerToHost)
        : undefined;
    case 'trainingProgress':
      return isString(m.docId) && isTrainingProgress(m.progress) ? (m as WorkerToHost) : undefined;
    case 'prediction':
      return isString(m.docId) &&
        isInt(m.requestId) &&
        isInt(m.version) &&
        isInt(m.offset) &&
        isPrediction(m.prediction)
        ? (m as WorkerToHost)
        : undefined;
    case 'modelExported':
      return isString(m.docId) && isInt(m.requestId) && isString(m.json) && m.weights instanceof ArrayBuffer
        ? (m as WorkerToHost)
        : undefined;
    case 'modelImported':
      return isString(m.docId) && isInt(m.requestId) ? (m as WorkerToHost) : undefined;
    case 'requestFailed':
      return isString(m.docId) && isInt(m.requestId) && isString(m.message) ? (m as WorkerToHost) : undefined;
    case 'log':
      return isOneOf(m.level, ['info', 'warn', 'error'] as const) && isString(m.message)
        ? (m as WorkerToHost)
        : undefined;
    case 'unitValues':
      return isAnswerHead(m) &&
        isInt(m.layer) &&
        isOneOf(m.gate, GATE_NAMES) &&
        isInt(m.unit) &&
        isOffsets(m.offsets) &&
        m.values instanceof Float32Array &&
        m.offsets.length === m.values.length + 1
        ? (m as WorkerToHost)
        : undefined;
    case 'surprisal':
      return isAnswerHead(m) &&
        isOffsets(m.offsets) &&
        m.bits instanceof Float32Array &&
        m.offsets.length === m.bits.length + 1 &&
        isInt(m.heldOutStart)
        ? (m as WorkerToHost)
        : undefined;
    case 'alternatives':
      return isAnswerHead(m) &&
        isInt(m.offset) &&
        isInt(m.tokenStart) &&
        isInt(m.tokenEnd) &&
        isArrayOf(m.top, isTokenProbability) &&
        isActualOrNull(m.actual) &&
        typeof m.heldOut === 'boolean' &&
        isInt(m.heldOutStart)
        ? (m as WorkerToHost)
        : undefined;
    case 'unitMatches':
      return isAnswerHead(m) &&
        isOneOf(m.direction, MATCH_DIRECTIONS) &&
        isArrayOf(m.matches, isUnitMatch) &&
        isArrayOf(m.window, isRange) &&
        isInt(m.insideTokens) &&
        isInt(m.outsideTokens)
        ? (m as WorkerToHost)
        : undefined;
    case 'unitLabels':
      return isAnswerHead(m) &&
        isString(m.family) &&
        isInt(m.heldOutStart) &&
        isInt(m.tokens) &&
        isArrayOf(
          m.features,
          (f) => isObject(f) && isOneOf(f.feature, INSIGHT_FEATURES) && isFiniteNumber(f.mean) && isFiniteNumber(f.sd),
        ) &&
        isArrayOf(m.labels, isUnitLabel)
        ? (m as WorkerToHost)
        : undefined;
    default:
      return parseLabWorkerMessage(raw);
  }
}

function isAnswerHead(m: Record<string, unknown>): boolean {
  return isString(m.docId) && isInt(m.requestId) && isInt(m.version);
}

function isOffsets(x: unknown): x is Uint32Array {
  return x instanceof Uint32Array && x.length >= 1;
}

function rangeOk(start: unknown, end: unknown): boolean {
  return isInt(start) && isInt(end) && start >= 0 && end >= start;
}

function isRange(x: unknown): x is { start: number; end: number } {
  return isObject(x) && rangeOk(x.start, x.end);
}

/** Parses a request arriving in the worker; undefined when malformed. */
export function parseHostToWorker(raw: unknown): HostToWorker | undefined {
  if (!isObject(raw) || !isString(raw.type)) return undefined;
  const m = raw as Record<string, unknown>;
  const docOk = isString(m.docId);
  switch (m.type) {
    case 'setDocument':
      return docOk && isInt(m.version) && isString(m.text) ? (m as HostToWorker) : undefined;
    case 'documentChunk':
      return docOk && isInt(m.version) && isInt(m.offset) && m.offset >= 0 && isString(m.text)
        ? (m as HostToWorker)
        : undefined;
    case 'documentEnd':
      return docOk && isInt(m.version) && isInt(m.length) && m.length >= 0 ? (m as HostToWorker) : undefined;
    case 'editDocument':
      return docOk &&
        isInt(m.version) &&
        isArrayOf(
          m.edits,
          (e) =>
            isObject(e) &&
            isInt(e.offset) &&
            e.offset >= 0 &&
            isInt(e.deleteCount) &&
            e.deleteCount >= 0 &&
            isString(e.text),
        )
        ? (m as HostToWorker)
        : undefined;
    case 'disposeDocument':
    case 'stopTraining':
      return docOk ? (m as HostToWorker) : undefined;
    case 'train':
      return docOk &&
        isObject(m.model) &&
        isObject(m.training) &&
        typeof m.resume === 'boolean' &&
        (m.faultAtStepForTesting === undefined || (isInt(m.faultAtStepForTesting) && m.faultAtStepForTesting >= 0))
        ? (m as HostToWorker)
        : undefined;
    case 'predict':
      return docOk &&
        isInt(m.requestId) &&
        isInt(m.version) &&
        isInt(m.offset) &&
        m.offset >= 0 &&
        isInt(m.topK) &&
        m.topK > 0 &&
        isInt(m.context) &&
        m.context >= 0
        ? (m as HostToWorker)
        : undefined;
    case 'exportModel':
      return docOk && isInt(m.requestId) ? (m as HostToWorker) : undefined;
    case 'importModel':
      return docOk && isInt(m.requestId) && isString(m.json) && m.weights instanceof ArrayBuffer
        ? (m as HostToWorker)
        : undefined;
    case 'unitValues':
      return docOk &&
        isInt(m.requestId) &&
        isInt(m.version) &&
        rangeOk(m.start, m.end) &&
        isInt(m.layer) &&
        m.layer >= 0 &&
        isOneOf(m.gate, GATE_NAMES) &&
        isInt(m.unit) &&
        m.unit >= 0
        ? (m as HostToWorker)
        : undefined;
    case 'surprisal':
      return docOk && isInt(m.requestId) && isInt(m.version) && rangeOk(m.start, m.end)
        ? (m as HostToWorker)
        : undefined;
    case 'alternatives':
      return docOk &&
        isInt(m.requestId) &&
        isInt(m.version) &&
        isInt(m.offset) &&
        m.offset >= 0 &&
        isInt(m.topK) &&
        m.topK > 0
        ? (m as HostToWorker)
        : undefined;
    case 'findUnits':
      return docOk &&
        isInt(m.requestId) &&
        isInt(m.version) &&
        isArrayOf(m.selections, isRange) &&
        m.selections.length > 0 &&
        isOneOf(m.direction, MATCH_DIRECTIONS) &&
        (m.gates === undefined || (isArrayOf(m.gates, (g) => isOneOf(g, GATE_NAMES)) && m.gates.length > 0)) &&
        (m.limit === undefined || (isInt(m.limit) && m.limit > 0))
        ? (m as HostToWorker)
        : undefined;
    case 'labelUnits':
      return docOk && isInt(m.requestId) && isString(m.languageId) ? (m as HostToWorker) : undefined;
    default:
      return parseLabRequest(m);
  }
}

function isDocumentInfo(raw: unknown): raw is DocumentInfo {
  return (
    isObject(raw) &&
    isString(raw.uri) &&
    isString(raw.fileName) &&
    isString(raw.languageId) &&
    isInt(raw.version) &&
    isInt(raw.length) &&
    isInt(raw.lineCount)
  );
}

function isCursorInfo(raw: unknown): raw is CursorInfo {
  return (
    isObject(raw) &&
    isInt(raw.version) &&
    isInt(raw.offset) &&
    isInt(raw.line) &&
    isInt(raw.character) &&
    isString(raw.before) &&
    isString(raw.next)
  );
}

function isTrainingSnapshot(raw: unknown): raw is TrainingSnapshot {
  return (
    isObject(raw) &&
    isOneOf(raw.status, TRAINING_STATUSES) &&
    (raw.message === null || isString(raw.message)) &&
    (raw.latest === null || isTrainingProgress(raw.latest)) &&
    isArrayOf(
      raw.curve,
      (p) =>
        isObject(p) &&
        isInt(p.step) &&
        isFiniteNumber(p.loss) &&
        (p.heldOutBpc === null || isFiniteNumber(p.heldOutBpc)),
    ) &&
    (raw.backend === null || isString(raw.backend))
  );
}

function isInsight(raw: unknown): raw is InsightSnapshot {
  return (
    isObject(raw) &&
    isOneOf(raw.overlay, OVERLAY_KINDS) &&
    isOneOf(raw.labelsState, ['none', 'computing', 'ready', 'failed'] as const) &&
    isArrayOf(raw.labels, isUnitLabel) &&
    (raw.family === null || isString(raw.family)) &&
    isArrayOf(raw.matches, isUnitMatch) &&
    (raw.note === null || isString(raw.note))
  );
}

function isSample(raw: unknown): raw is SampleSnapshot {
  return (
    isObject(raw) && isInt(raw.version) && isInt(raw.offset) && isFiniteNumber(raw.temperature) && isString(raw.text)
  );
}

function isMemoryView(raw: unknown): raw is MemorySpanView {
  if (!isObject(raw) || !isArrayOf(raw.tokens, isString)) return false;
  const T = raw.tokens.length;
  return (
    isInt(raw.version) &&
    isInt(raw.offset) &&
    isOneOf(raw.cell, CELL_TYPES) &&
    isInt(raw.hiddenSize) &&
    isArrayOf(raw.offsets, isInt) &&
    raw.offsets.length === T + 1 &&
    isArrayOf(raw.gradient, isFiniteNumber) &&
    raw.gradient.length === T &&
    isArrayOf(raw.memory, isFiniteNumber) &&
    raw.memory.length === T &&
    raw.memoryUnits instanceof Float32Array &&
    raw.memoryUnits.length === T * raw.hiddenSize &&
    isTokenProbability(raw.target)
  );
}

function isInterventionView(raw: unknown): raw is InterventionView {
  return (
    isObject(raw) &&
    isInterventionSpecShape(raw.spec) &&
    isInt(raw.version) &&
    isInt(raw.offset) &&
    isInterventionRun(raw.baseline) &&
    isInterventionRun(raw.clamped)
  );
}

const isComparePoint = (p: unknown) =>
  isObject(p) &&
  isInt(p.step) &&
  isFiniteNumber(p.loss) &&
  isNullableNumber(p.heldOutBpc) &&
  isFiniteNumber(p.elapsedSec);

const isCompareResult = (r: unknown) =>
  isObject(r) &&
  isOneOf(r.cell, CELL_TYPES) &&
  isInt(r.hiddenSize) &&
  isInt(r.params) &&
  isNullableNumber(r.heldOutBpc) &&
  isInt(r.steps);

const isLongRangeBucket = (b: unknown) =>
  isObject(b) &&
  isString(b.label) &&
  isInt(b.minDistance) &&
  (b.maxDistance === null || isInt(b.maxDistance)) &&
  isInt(b.count) &&
  isObject(b.meanProb) &&
  CELL_TYPES.every((c) => isNullableNumber((b.meanProb as Record<string, unknown>)[c])) &&
  isObject(b.top1) &&
  CELL_TYPES.every((c) => isNullableNumber((b.top1 as Record<string, unknown>)[c]));

function isCompareView(raw: unknown): raw is CompareView {
  return (
    isObject(raw) &&
    isOneOf(raw.status, ['running', 'done', 'stopped', 'failed'] as const) &&
    isOneOf(raw.match, COMPARE_MATCHES) &&
    isFiniteNumber(raw.budgetSec) &&
    isArrayOf(
      raw.curves,
      (c) =>
        isObject(c) &&
        isOneOf(c.cell, CELL_TYPES) &&
        isInt(c.hiddenSize) &&
        isInt(c.params) &&
        isArrayOf(c.points, isComparePoint),
    ) &&
    isArrayOf(raw.results, isCompareResult) &&
    isObject(raw.probe) &&
    isOneOf(raw.probe.state, ['none', 'computing', 'ready', 'failed'] as const) &&
    isArrayOf(raw.probe.buckets, isLongRangeBucket) &&
    (raw.note === null || isString(raw.note))
  );
}

function isLab(raw: unknown): raw is LabSnapshot {
  return (
    isObject(raw) &&
    (raw.sample === null || isSample(raw.sample)) &&
    (raw.memory === null || isMemoryView(raw.memory)) &&
    typeof raw.memoryFollow === 'boolean' &&
    (raw.intervention === null || isInterventionView(raw.intervention)) &&
    (raw.compare === null || isCompareView(raw.compare)) &&
    isArrayOf(raw.pending, (p) => isOneOf(p, LAB_PENDING)) &&
    (raw.error === null || (isObject(raw.error) && isOneOf(raw.error.kind, LAB_PENDING) && isString(raw.error.message)))
  );
}

function isSnapshot(raw: unknown): raw is PanelSnapshot {
  return (
    isObject(raw) &&
    (raw.document === null || isDocumentInfo(raw.document)) &&
    (raw.cursor === null || isCursorInfo(raw.cursor)) &&
    (raw.training === null || isTrainingSnapshot(raw.training)) &&
    (raw.prediction === null || isPrediction(raw.prediction)) &&
    isViewStateShape(raw.view) &&
    isObject(raw.settings) &&
    isInt(raw.settings.topK) &&
    isInt(raw.settings.contextWindow) &&
    isInsight(raw.insight) &&
    isLab(raw.lab) &&
    isObject(raw.strings) &&
    Object.values(raw.strings).every(isString)
  );
}

/** Parses a message arriving in the webview from the host; undefined when malformed. */
export function parseHostToWebview(raw: unknown): HostToWebview | undefined {
  if (!isObject(raw) || !isString(raw.type)) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'snapshot':
      return isSnapshot(m.snapshot) ? (m as HostToWebview) : undefined;
    case 'patch':
      return isArrayOf(m.updates, isPanelUpdate) && m.updates.length > 0 ? (m as HostToWebview) : undefined;
    default:
      return isPanelUpdate(m) ? (m as HostToWebview) : undefined;
  }
}

function isPanelUpdate(raw: unknown): raw is PanelUpdate {
  if (!isObject(raw) || !isString(raw.type)) return false;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'document':
      return m.document === null || isDocumentInfo(m.document);
    case 'settings':
      return isObject(m.settings) && isInt(m.settings.topK) && isInt(m.settings.contextWindow);
    case 'view':
      return isViewStateShape(m.view);
    case 'cursor':
      return isCursorInfo(m.cursor);
    case 'training':
      return isTrainingSnapshot(m.training);
    case 'prediction':
      return isInt(m.version) && isInt(m.offset) && (m.prediction === null || isPrediction(m.prediction));
    case 'insight':
      return isInsight(m.insight);
    case 'lab':
      return isLab(m.lab);
    case 'comparePoints':
      return isArrayOf(
        m.points,
        (p) =>
          isObject(p) &&
          isOneOf(p.cell, CELL_TYPES) &&
          isInt(p.hiddenSize) &&
          isInt(p.params) &&
          isComparePoint(p.point),
      );
    default:
      return false;
  }
}

// ───────────────────────────── lab parsers ─────────────────────────────

const isTokenProbability = (t: unknown): t is TokenProbability =>
  isObject(t) && isString(t.token) && isFiniteNumber(t.prob);

function isCursorRequest(m: Record<string, unknown>): boolean {
  return isString(m.docId) && isInt(m.requestId) && isInt(m.version) && isInt(m.offset) && m.offset >= 0;
}

function isSampling(m: Record<string, unknown>): boolean {
  return (
    isInt(m.length) &&
    inRange(m.length, LIMITS.sampleLength) &&
    isFiniteNumber(m.temperature) &&
    inRange(m.temperature, LIMITS.temperature) &&
    isInt(m.seed)
  );
}

/** The lab's requests (part of parseHostToWorker); undefined when malformed or unknown. */
export function parseLabRequest(m: Record<string, unknown>): LabRequest | undefined {
  switch (m.type) {
    case 'sample':
      return isCursorRequest(m) && isSampling(m) ? (m as unknown as LabRequest) : undefined;
    case 'intervene':
      return isCursorRequest(m) &&
        isSampling(m) &&
        isInt(m.layer) &&
        m.layer >= 0 &&
        (m.unit === null || (isInt(m.unit) && m.unit >= 0)) &&
        isOneOf(m.target, CLAMP_TARGETS) &&
        isFiniteNumber(m.value) &&
        isInt(m.steps) &&
        m.steps >= 0 &&
        isInt(m.topK) &&
        m.topK > 0
        ? (m as unknown as LabRequest)
        : undefined;
    case 'memorySpan':
      return isCursorRequest(m) && isInt(m.window) && m.window > 0 ? (m as unknown as LabRequest) : undefined;
    case 'compareCells':
      return isString(m.docId) &&
        isInt(m.requestId) &&
        isFiniteNumber(m.budgetSec) &&
        m.budgetSec > LIMITS.compareBudgetSec.min &&
        m.budgetSec <= LIMITS.compareBudgetSec.max &&
        isOneOf(m.match, ['params', 'hidden'] as const) &&
        isInt(m.hiddenSize) &&
        inRange(m.hiddenSize, LIMITS.hiddenSize) &&
        (m.languageId === undefined || isString(m.languageId))
        ? (m as unknown as LabRequest)
        : undefined;
    case 'longRangeProbe':
      return isString(m.docId) && isInt(m.requestId) ? (m as unknown as LabRequest) : undefined;
    default:
      return undefined;
  }
}

const isNullableNumber = (x: unknown) => x === null || isFiniteNumber(x);

function isInterventionRun(x: unknown): x is InterventionRun {
  return isObject(x) && isArrayOf(x.top, isTokenProbability) && isString(x.text);
}

/** Parses a lab answer from the trainer worker; undefined when malformed (or not a lab answer). */
export function parseLabWorkerMessage(raw: unknown): LabWorkerToHost | undefined {
  if (!isObject(raw) || !isString(raw.type)) return undefined;
  const m = raw as Record<string, unknown>;
  const head = isString(m.docId) && isInt(m.requestId);
  const ok = (b: boolean) => (b ? (m as unknown as LabWorkerToHost) : undefined);
  switch (m.type) {
    case 'sampled':
      return ok(head && isInt(m.version) && isInt(m.offset) && isString(m.text));
    case 'intervention':
      return ok(
        head &&
          isInt(m.version) &&
          isInt(m.offset) &&
          isInt(m.layer) &&
          (m.unit === null || isInt(m.unit)) &&
          isOneOf(m.target, CLAMP_TARGETS) &&
          isFiniteNumber(m.value) &&
          isInt(m.steps) &&
          isInterventionRun(m.baseline) &&
          isInterventionRun(m.clamped),
      );
    case 'memorySpan': {
      if (!(head && isInt(m.version) && isInt(m.offset) && isOneOf(m.cell, CELL_TYPES) && isInt(m.hiddenSize)))
        return undefined;
      const T = m.forgetProduct instanceof Float32Array ? m.forgetProduct.length : -1;
      return ok(
        isOffsets(m.offsets) &&
          m.offsets.length === T + 1 &&
          m.forgetProductUnits instanceof Float32Array &&
          m.forgetProductUnits.length === T * m.hiddenSize &&
          m.gradNorm instanceof Float32Array &&
          m.gradNorm.length === T &&
          isTokenProbability(m.target),
      );
    }
    case 'compareProgress': {
      const p = m.point;
      return ok(head && isOneOf(m.cell, CELL_TYPES) && isInt(m.hiddenSize) && isInt(m.params) && isComparePoint(p));
    }
    case 'compareDone':
      return ok(head && isOneOf(m.status, ['done', 'stopped'] as const) && isArrayOf(m.results, isCompareResult));
    case 'longRange':
      return ok(head && isInt(m.heldOutStart) && isArrayOf(m.buckets, isLongRangeBucket));
    default:
      return undefined;
  }
}
