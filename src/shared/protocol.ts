// The one contract for every message between extension host, trainer worker and webview.
// Each direction is a discriminated union; each has a runtime parser, because a message that
// crosses a thread or a frame is untrusted until it has been checked.

import type { ModelConfig, TrainingConfig } from '../model/config';
import { isFiniteNumber, isInt, isObject, isString, isOneOf, isArrayOf } from './validate';

// ───────────────────────────── shared data ─────────────────────────────

export type TrainingStatus = 'untrained' | 'training' | 'stopped' | 'done' | 'failed';
export const TRAINING_STATUSES: readonly TrainingStatus[] = ['untrained', 'training', 'stopped', 'done', 'failed'];

/** A point on the training curve; the webview plots these. */
export interface TrainingPoint {
  step: number;
  /** Training loss, nats per character (cross-entropy). */
  loss: number;
  /** Held-out bits per character, when measured at this step. */
  heldOutBpc: number | null;
}

export interface TrainingProgress extends TrainingPoint {
  epoch: number;
  charsPerSec: number;
  elapsedSec: number;
  /** Seconds left, when a budget makes it knowable. */
  etaSec: number | null;
}

/** What the panel knows about a document's model. */
export interface TrainingSnapshot {
  status: TrainingStatus;
  /** Human-readable reason for the status (errors, divergence recovery, why training stopped). */
  message: string | null;
  latest: TrainingProgress | null;
  curve: TrainingPoint[];
  backend: string | null;
}

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

/** One candidate next token. */
export interface TokenProbability {
  token: string;
  prob: number;
}

/** The gate and state values of one layer, for one position or a window of positions. */
export interface LayerTrace {
  /** Time-major, (T, 6, H) flattened: per position the rows i, f, g, o, c, h of H units each. */
  values: Float32Array;
}

export const GATE_NAMES = ['i', 'f', 'g', 'o', 'c', 'h'] as const;
export type GateName = (typeof GATE_NAMES)[number];

export interface Prediction {
  /** Top-k next tokens, most probable first. */
  top: TokenProbability[];
  /** The token actually next in the document, with its probability, 1-based rank and surprisal. */
  actual: { token: string; prob: number; rank: number; bits: number } | null;
  hiddenSize: number;
  layers: number;
  /** The tokens (characters) of the context window, oldest first; the last one is just before the cursor. */
  contextTokens: string[];
  /** One trace per layer, covering contextTokens. */
  trace: LayerTrace[];
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
  // ── the long-term-dependency lab (issue 7; answers in LabWorkerToHost, parsed by parseLabWorkerMessage) ──
  | LabRequest;

/** A change to the document text, in UTF-16 offsets of the version before it, applied in order. */
export interface TextEdit {
  offset: number;
  deleteCount: number;
  text: string;
}

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

// ─────────────────────── insight in the editor (issue 6) ───────────────────────
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

export type MatchDirection = 'high' | 'low';
export const MATCH_DIRECTIONS: readonly MatchDirection[] = ['high', 'low'];

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

export interface UnitMatch {
  layer: number;
  gate: GateName;
  unit: number;
  /**
   * Ranking score, an AUC: the probability that a token inside the selections has a higher value than a
   * token outside (for direction 'low': lower), ties counted half. 1 = perfect separation, 0.5 = chance.
   */
  score: number;
  /** Standardized mean difference (mean inside − mean outside) / pooled sd, sign flipped for 'low'. */
  effect: number;
  meanInside: number;
  meanOutside: number;
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

export const INSIGHT_FEATURES = [
  'inString',
  'inComment',
  'bracketDepth',
  'indent',
  'column',
  'wordStart',
  'digit',
  'uppercase',
  'inQuotes',
  'inParens',
] as const;
export type InsightFeature = (typeof INSIGHT_FEATURES)[number];

/** Automatic unit labels: Pearson r of each unit's c and h with lexical features on held-out text. */
export interface LabelUnitsRequest {
  type: 'labelUnits';
  docId: string;
  requestId: number;
  /** VS Code language id; picks the lexical scanner (C-like, Python, shell, prose). */
  languageId: string;
}

export interface UnitLabel {
  feature: InsightFeature;
  layer: number;
  gate: 'c' | 'h';
  unit: number;
  /** Pearson correlation over the held-out tokens. */
  r: number;
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
  features: { feature: InsightFeature; mean: number; sd: number }[];
  /** For each feature, the best units by |r| (strongest first). */
  labels: UnitLabel[];
}

// ─────────────────── the long-term-dependency lab (issue 7) ───────────────────
// Requests go in HostToWorker (parsed by parseHostToWorker); the answers, LabWorkerToHost, are part of
// WorkerToHost and parsed by parseLabWorkerMessage, which parseWorkerMessage falls back to.
// Offsets are UTF-16 of the request's version; "the cursor" reads every token ending at or before offset.
// Every failure answers requestFailed with the request's id. See src/worker/lab.ts for the costs.

export type CellType = 'lstm' | 'gru' | 'rnn';
export const CELL_TYPES: readonly CellType[] = ['lstm', 'gru', 'rnn'];
export type ClampTarget = 'c' | 'h' | 'f' | 'i' | 'o';
export const CLAMP_TARGETS: readonly ClampTarget[] = ['c', 'h', 'f', 'i', 'o'];
/** Most characters one sample / intervention may generate. */
export const MAX_LAB_SAMPLE = 4096;
/** Longest memory-span window. */
export const MAX_MEMORY_WINDOW = 128;

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

export interface InterventionRun {
  /** Next-token distribution at the cursor (temperature 1). */
  top: TokenProbability[];
  text: string;
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

export interface CompareCellsPoint {
  step: number;
  loss: number;
  heldOutBpc: number | null;
  elapsedSec: number;
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

export interface CompareCellsResult {
  cell: CellType;
  hiddenSize: number;
  params: number;
  /** Final held-out bits per character (null: no held-out split). */
  heldOutBpc: number | null;
  steps: number;
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

export interface LongRangeBucket {
  label: string;
  /** Distance in tokens from the opener to the closer, inclusive bounds (maxDistance null: unbounded). */
  minDistance: number;
  maxDistance: number | null;
  count: number;
  /** Mean probability of the correct closer, per cell (null: that cell was not compared, or count 0). */
  meanProb: { lstm: number | null; gru: number | null; rnn: number | null };
  /** Fraction of these closers where the correct closer was the most probable token, per cell. */
  top1: { lstm: number | null; gru: number | null; rnn: number | null };
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

export type OverlayKind = 'none' | 'activation' | 'surprisal';
export const OVERLAY_KINDS: readonly OverlayKind[] = ['none', 'activation', 'surprisal'];

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

/** What the user asked an intervention to do (see InterveneRequest). */
export interface InterventionSpec {
  layer: number;
  /** One unit, or every unit of the layer (null). */
  unit: number | null;
  target: ClampTarget;
  value: number;
  /** How many steps from the cursor the clamp holds. */
  steps: number;
}

export interface InterventionView {
  spec: InterventionSpec;
  version: number;
  offset: number;
  baseline: InterventionRun;
  clamped: InterventionRun;
}

export type CompareMatch = 'params' | 'hidden';
export const COMPARE_MATCHES: readonly CompareMatch[] = ['params', 'hidden'];

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

/** The long-term-dependency lab's state for the current document (issue 7). */
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
  /** The long-term-dependency lab (issue 7). */
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
  | { type: 'painted'; version: number; offset: number; ms: number }
  | { type: 'sample'; temperature: number }
  | { type: 'measureMemory' }
  | { type: 'followMemory'; on: boolean }
  | { type: 'intervene'; spec: InterventionSpec; temperature: number }
  | { type: 'resetIntervention' }
  | { type: 'compareCells'; match: CompareMatch }
  | { type: 'stopCompare' };

// ─────────────────────────── runtime parsers ───────────────────────────

/** Parses a message from the webview; returns undefined for anything malformed or unknown. */
export function parseWebviewMessage(raw: unknown): WebviewToHost | undefined {
  if (!isObject(raw) || !isString(raw.type)) return undefined;
  switch (raw.type) {
    case 'ready':
      return { type: 'ready' };
    case 'command':
      return isOneOf(raw.command, WEBVIEW_COMMANDS) ? { type: 'command', command: raw.command } : undefined;
    case 'viewState': {
      const view = parseViewState(raw.view);
      return view ? { type: 'viewState', view } : undefined;
    }
    case 'painted':
      return isInt(raw.version) && isInt(raw.offset) && isFiniteNumber(raw.ms)
        ? { type: 'painted', version: raw.version, offset: raw.offset, ms: raw.ms }
        : undefined;
    case 'sample':
      return isFiniteNumber(raw.temperature) && raw.temperature >= 0 && raw.temperature <= 5
        ? { type: 'sample', temperature: raw.temperature }
        : undefined;
    case 'measureMemory':
      return { type: 'measureMemory' };
    case 'followMemory':
      return typeof raw.on === 'boolean' ? { type: 'followMemory', on: raw.on } : undefined;
    case 'intervene': {
      const spec = parseInterventionSpec(raw.spec);
      return spec && isFiniteNumber(raw.temperature) && raw.temperature >= 0 && raw.temperature <= 5
        ? { type: 'intervene', spec, temperature: raw.temperature }
        : undefined;
    }
    case 'resetIntervention':
      return { type: 'resetIntervention' };
    case 'compareCells':
      return isOneOf(raw.match, COMPARE_MATCHES) ? { type: 'compareCells', match: raw.match } : undefined;
    case 'stopCompare':
      return { type: 'stopCompare' };
    default:
      return undefined;
  }
}

/** Clamp values a user may ask for: gates live in [0, 1], c and h are kept within ±10. */
export function parseInterventionSpec(raw: unknown): InterventionSpec | undefined {
  if (!isObject(raw)) return undefined;
  const { layer, unit, target, value, steps } = raw;
  if (!(isInt(layer) && layer >= 0 && layer < 8)) return undefined;
  if (!(unit === null || (isInt(unit) && unit >= 0 && unit < 4096))) return undefined;
  if (!isOneOf(target, CLAMP_TARGETS) || !isFiniteNumber(value)) return undefined;
  const isGate = target === 'f' || target === 'i' || target === 'o';
  if (isGate ? value < 0 || value > 1 : Math.abs(value) > 10) return undefined;
  if (!(isInt(steps) && steps >= 1 && steps <= MAX_LAB_SAMPLE)) return undefined;
  return { layer, unit, target, value, steps };
}

export function parseViewState(raw: unknown): ViewState | undefined {
  if (!isObject(raw)) return undefined;
  const { selectedGate, pinnedUnit, pinnedLayer } = raw;
  if (!isOneOf(selectedGate, GATE_NAMES)) return undefined;
  if (!(pinnedUnit === null || (isInt(pinnedUnit) && pinnedUnit >= 0 && pinnedUnit < 4096))) return undefined;
  if (!(isInt(pinnedLayer) && pinnedLayer >= 0 && pinnedLayer < 8)) return undefined;
  return { selectedGate, pinnedUnit, pinnedLayer };
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

/** Longest UTF-16 range one unitValues / surprisal request may ask for (a visible editor range is a few thousand). */
export const MAX_INSIGHT_RANGE = 1 << 17;

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
    parseInterventionSpec(raw.spec) !== undefined &&
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
    parseViewState(raw.view) !== undefined &&
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
      return parseViewState(m.view) !== undefined;
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
    m.length >= 0 &&
    m.length <= MAX_LAB_SAMPLE &&
    isFiniteNumber(m.temperature) &&
    m.temperature >= 0 &&
    m.temperature <= 100 &&
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
        m.budgetSec > 0 &&
        m.budgetSec <= 3600 &&
        isOneOf(m.match, ['params', 'hidden'] as const) &&
        isInt(m.hiddenSize) &&
        m.hiddenSize >= 2 &&
        m.hiddenSize <= 1024 &&
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

/** Compile-time proof that a switch over a union handled every case. */
export function assertNever(value: never, what = 'message'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
