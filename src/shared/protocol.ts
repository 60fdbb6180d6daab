// The messages between extension host and webview, and the panel state they carry (the trainer worker's
// contract is src/protocol/). The host → webview parser checks shapes in the webview; webview → host
// messages are checked by the schemas of src/protocol/webview.ts.

import {
  CELL_TYPES,
  CLAMP_TARGETS,
  COMPARE_MATCHES,
  GATE_NAMES,
  INSIGHT_FEATURES,
  OVERLAY_KINDS,
  TRAINING_STATUSES,
  type CellType,
  type CompareCellsPoint,
  type CompareCellsResult,
  type CompareMatch,
  type GateName,
  type InsightFeature,
  type InspectTarget,
  type InterventionRun,
  type InterventionSpec,
  type LongRangeBucket,
  type OverlayKind,
  type RecallProgress,
  type RecallResult,
  type Prediction,
  type TokenProbability,
  type Checkpoint,
  type TrainingProgress,
  type TrainingSnapshot,
  type ProbeSummary,
  type ProbeUnit,
  type UnitInspection,
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

/** A place in a document version; answers name the cursor they were computed for. */
export interface CursorAt {
  version: number;
  offset: number;
}

/** The one staleness rule: an answer belongs to a cursor when both name the same version and offset. */
export function answersCursor(answer: CursorAt | null | undefined, cursor: CursorAt | null | undefined): boolean {
  return !!answer && !!cursor && answer.version === cursor.version && answer.offset === cursor.offset;
}

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
  /** One linear probe per feature (computed with the labels), and how it was fitted and scored. */
  probes: ProbeSummary[];
  probeNote: string | null;
  /** The probe the 'probe' overlay and the inspector show (null: the pinned unit). */
  pinnedProbe: InsightFeature | null;
  /** A probe fitted to the last find-units selection: its held-out AUC and strongest units. */
  selectionProbe: { auc: number; units: ProbeUnit[] } | null;
  /** The unit inspector of the pinned unit or probe. */
  inspectorState: 'none' | 'computing' | 'ready' | 'failed';
  inspector: UnitInspection | null;
}

export const EMPTY_INSIGHT: InsightSnapshot = {
  overlay: 'none',
  labelsState: 'none',
  labels: [],
  family: null,
  matches: [],
  note: null,
  probes: [],
  probeNote: null,
  pinnedProbe: null,
  selectionProbe: null,
  inspectorState: 'none',
  inspector: null,
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
  /** Training seconds each cell may take at most. */
  budgetSec: number;
  /** Steps per cell (0 or absent: each until its held-out bpc stops improving, within budgetSec). */
  steps?: number;
  curves: CompareCurve[];
  results: CompareCellsResult[];
  probe: {
    state: 'none' | 'computing' | 'ready' | 'failed';
    buckets: LongRangeBucket[];
    /** Whether the cells are separated beyond some distance, in words (from the intervals); null until probed. */
    verdict?: string | null;
  };
  note: string | null;
}

/** The recall experiment (model/lab/recall.ts) as the panel charts it. */
export interface RecallView {
  status: 'running' | 'done' | 'stopped' | 'failed';
  match: CompareMatch;
  /** Step budget per cell. */
  steps: number;
  /** The latest progress while running. */
  progress: RecallProgress | null;
  /** The result (also when stopped: the cells finished before). */
  result: RecallResult | null;
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
  recall: RecallView | null;
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
  recall: null,
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
  /** host: the extension host the extension runs in; absent means Node's (desktop, remote). */
  settings: { topK: number; contextWindow: number; host?: 'node' | 'web' };
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
  | { type: 'stopCompare' }
  | { type: 'pinProbe'; feature: InsightFeature }
  | { type: 'reveal'; start: number; end: number }
  | { type: 'runRecall'; match: CompareMatch }
  | { type: 'stopRecall' };

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

/** Which extension host the panel's extension runs in (absent: Node's). */
function isHostKind(x: unknown): x is 'node' | 'web' | undefined {
  return x === undefined || x === 'node' || x === 'web';
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
    (raw.etaSec === null || isFiniteNumber(raw.etaSec)) &&
    (raw.best === null || isCheckpoint(raw.best))
  );
}

function isCheckpoint(raw: unknown): raw is Checkpoint {
  return isObject(raw) && isInt(raw.step) && isFiniteNumber(raw.heldOutBpc);
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

const isProbeUnit = (u: unknown): u is ProbeUnit =>
  isObject(u) && isInt(u.layer) && isOneOf(u.gate, ['c', 'h'] as const) && isInt(u.unit) && isFiniteNumber(u.weight);

const isProbeSummary = (p: unknown): p is ProbeSummary =>
  isObject(p) &&
  isOneOf(p.feature, INSIGHT_FEATURES) &&
  isOneOf(p.metric, ['auc', 'r2'] as const) &&
  isFiniteNumber(p.score) &&
  isArrayOf(p.units, isProbeUnit);

const isInspectTarget = (t: unknown): t is InspectTarget =>
  isObject(t) &&
  ((t.kind === 'unit' && isInt(t.layer) && isOneOf(t.gate, GATE_NAMES) && isInt(t.unit)) ||
    (t.kind === 'probe' && isOneOf(t.feature, INSIGHT_FEATURES)));

const isSnippet = (s: unknown) =>
  isObject(s) &&
  isInt(s.start) &&
  isInt(s.end) &&
  isFiniteNumber(s.value) &&
  isArrayOf(s.tokens, isString) &&
  isArrayOf(s.values, isFiniteNumber) &&
  s.tokens.length === s.values.length &&
  isInt(s.focus);

const isInspection = (i: unknown): i is UnitInspection =>
  isObject(i) &&
  isInspectTarget(i.target) &&
  isInt(i.tokens) &&
  isArrayOf(i.top, isSnippet) &&
  isArrayOf(i.bottom, isSnippet) &&
  isObject(i.histogram) &&
  isFiniteNumber(i.histogram.min) &&
  isFiniteNumber(i.histogram.max) &&
  isArrayOf(i.histogram.counts, isInt);

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
    (raw.backend === null || isString(raw.backend)) &&
    (raw.checkpoint === null || isCheckpoint(raw.checkpoint))
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
    (raw.note === null || isString(raw.note)) &&
    isArrayOf(raw.probes, isProbeSummary) &&
    (raw.probeNote === null || isString(raw.probeNote)) &&
    (raw.pinnedProbe === null || isOneOf(raw.pinnedProbe, INSIGHT_FEATURES)) &&
    (raw.selectionProbe === null ||
      (isObject(raw.selectionProbe) &&
        isFiniteNumber(raw.selectionProbe.auc) &&
        isArrayOf(raw.selectionProbe.units, isProbeUnit))) &&
    isOneOf(raw.inspectorState, ['none', 'computing', 'ready', 'failed'] as const) &&
    (raw.inspector === null || isInspection(raw.inspector))
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

const isRecallResult = (r: unknown): r is RecallResult =>
  isObject(r) &&
  isOneOf(r.status, ['done', 'stopped'] as const) &&
  isArrayOf(r.gaps, isInt) &&
  isFiniteNumber(r.chance) &&
  isString(r.verdict) &&
  isArrayOf(
    r.cells,
    (c) =>
      isObject(c) &&
      isOneOf(c.cell, CELL_TYPES) &&
      isInt(c.steps) &&
      isArrayOf(
        c.points,
        (p) =>
          isObject(p) && isInt(p.gap) && isFiniteNumber(p.accuracy) && isFiniteNumber(p.lo) && isFiniteNumber(p.hi),
      ),
  );

function isRecallView(raw: unknown): raw is RecallView {
  return (
    isObject(raw) &&
    isOneOf(raw.status, ['running', 'done', 'stopped', 'failed'] as const) &&
    isOneOf(raw.match, COMPARE_MATCHES) &&
    isInt(raw.steps) &&
    (raw.progress === null || (isObject(raw.progress) && isOneOf(raw.progress.cell, CELL_TYPES))) &&
    (raw.result === null || isRecallResult(raw.result)) &&
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
    (raw.recall === null || isRecallView(raw.recall)) &&
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
    isHostKind(raw.settings.host) &&
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
      return (
        isObject(m.settings) && isInt(m.settings.topK) && isInt(m.settings.contextWindow) && isHostKind(m.settings.host)
      );
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

// ───────────────────────────── small shape checks ─────────────────────────────

const isTokenProbability = (t: unknown): t is TokenProbability =>
  isObject(t) && isString(t.token) && isFiniteNumber(t.prob);

const isNullableNumber = (x: unknown) => x === null || isFiniteNumber(x);

function isInterventionRun(x: unknown): x is InterventionRun {
  return isObject(x) && isArrayOf(x.top, isTokenProbability) && isString(x.text);
}
