// Editor insight: overlay values, surprisal, hover alternatives, units found by example and unit labels.
// Ranges are UTF-16 [start, end) of the document version named in the request; an answer covers the
// tokens that overlap the range, and `offsets` (tokens + 1 entries) gives each token's exact span
// [offsets[k], offsets[k+1]) (a CRLF or an emoji is one token of two code units). A value at token k is
// the model's state right after reading token k, computed with the same bounded history as cursor
// predictions (see model/stateCache.ts), so it equals the last trace row of a prediction at offsets[k+1].
import * as v from 'valibot';
import {
  GATE_NAMES,
  INSIGHT_FEATURES,
  LABEL_GATES,
  MATCH_DIRECTIONS,
  type ActualToken,
  type FeatureStats,
  type GateName,
  type InspectTarget,
  type InspectorSnippet,
  type ProbeSummary,
  type ProbeUnit,
  type UnitInspection,
  type MatchDirection,
  type TokenProbability,
  type UnitLabel,
  type UnitMatch,
} from '../shared/domain';
import { actualToken, tokenProbability } from './predict';
import { anyInt, docId, float32, int, LIMITS, num, offsets, range, schemaFor } from './schema';

/** Values of one (layer, gate, unit) over a range: the activation overlay. */
export interface UnitValuesParams {
  docId: string;
  version: number;
  start: number;
  end: number;
  layer: number;
  gate: GateName;
  unit: number;
}

export interface UnitValuesResult {
  version: number;
  layer: number;
  gate: GateName;
  unit: number;
  /** UTF-16 start of each token, plus the end of the last one (values.length + 1 entries). */
  offsets: Uint32Array;
  values: Float32Array;
}

/** Surprisal of each token over a range: the surprisal overlay. */
export interface SurprisalParams {
  docId: string;
  version: number;
  start: number;
  end: number;
}

export interface SurprisalResult {
  version: number;
  offsets: Uint32Array;
  /** −log2 p(token k | the text before it), bits; one per token. */
  bits: Float32Array;
  /** UTF-16 offset where the held-out tail begins (tokens from here on were never trained on). */
  heldOutStart: number;
}

/** Top-k alternatives for the token at (containing) an offset: the surprisal hover. */
export interface AlternativesParams {
  docId: string;
  version: number;
  offset: number;
  topK: number;
}

export interface AlternativesResult {
  version: number;
  offset: number;
  /** The token being predicted: [tokenStart, tokenEnd); tokenStart === tokenEnd at the end of the text. */
  tokenStart: number;
  tokenEnd: number;
  top: TokenProbability[];
  /** The token actually there, as in Prediction.actual (null at the end of the text). */
  actual: ActualToken | null;
  heldOut: boolean;
  heldOutStart: number;
}

/** Find units by example (LSTMVis hypothesis): units high (or low) inside the selections, not outside. */
export interface FindUnitsParams {
  docId: string;
  version: number;
  selections: { start: number; end: number }[];
  direction: MatchDirection;
  /** Which rows to rank; default ['c', 'h']. */
  gates?: GateName[];
  /** Matches returned; default 20, at most LIMITS.matches.max. */
  limit?: number;
}

export interface FindUnitsResult {
  version: number;
  direction: MatchDirection;
  matches: UnitMatch[];
  /** A linear probe on the whole state fitted to the selection (null: too few tokens on one side). */
  probe: SelectionProbe | null;
  /** The UTF-16 ranges compared (the selections plus padding around them), and token counts. */
  window: { start: number; end: number }[];
  insideTokens: number;
  outsideTokens: number;
}

/** A probe fitted to "inside the selection" on alternate blocks of the window and scored on the others. */
export interface SelectionProbe {
  auc: number;
  units: ProbeUnit[];
}

/** A fitted probe as it travels: its summary, and its output bias + weights · (c, h of every layer). */
export interface ProbeWire extends ProbeSummary {
  weights: Float32Array;
  bias: number;
}

/** Automatic unit labels: Pearson r of each unit's c and h with lexical features on held-out text. */
export interface LabelUnitsParams {
  docId: string;
  /** VS Code language id; picks the lexical scanner (C-like, Python, shell, prose). */
  languageId: string;
}

export interface LabelUnitsResult {
  version: number;
  /** 'c-like' | 'python' | 'shell' | 'prose'. */
  family: string;
  heldOutStart: number;
  /** Held-out tokens analysed. */
  tokens: number;
  features: FeatureStats[];
  /** For each feature, the best units by |r| (strongest first). */
  labels: UnitLabel[];
  /** One probe per feature that varies on both parts of the held-out text, and what fitting them took. */
  probes: ProbeWire[];
  /**
   * What fitting took: fitted on `fitTokens` positions of the training text before the held-out tail ('training')
   * or of the tail's first part ('heldOut', when there is no training text before it), scored on `testTokens`
   * held-out positions it was not fitted on.
   */
  probeFit: { fitOn: 'training' | 'heldOut'; fitTokens: number; testTokens: number; ms: number };
}

/** The unit inspector: a unit's (or a probe's) top and bottom contexts across the document, and its histogram. */
export interface InspectParams {
  docId: string;
  target: InspectTarget;
  /** For a probe target: the probe's output (from labelUnits). */
  probe?: { weights: Float32Array; bias: number };
}

export interface InspectResult extends UnitInspection {
  version: number;
}

/** A probe's output over a range, computed like unitValues: the probe overlay. */
export interface ProbeValuesParams {
  docId: string;
  version: number;
  start: number;
  end: number;
  weights: Float32Array;
  bias: number;
}

export interface ProbeValuesResult {
  version: number;
  offsets: Uint32Array;
  values: Float32Array;
}

const gate = v.picklist(GATE_NAMES);
const insightRange = v.pipe(
  range,
  v.check((r) => r.end - r.start <= LIMITS.insightRange.max, `a range spans at most ${LIMITS.insightRange.max}`),
);
/** Refusal text (the host shows it): a start after the end, or a range too long for one overlay request. */
const overlayRange = `a range that ends at or after its start and is not too long (at most ${LIMITS.insightRange.max})`;
const sameLength = (extra: number) => (a: { offsets: Uint32Array }, n: number) => a.offsets.length === n + extra;

export const unitMatch = schemaFor<UnitMatch>()(
  v.object({
    layer: int(),
    gate,
    unit: int(),
    score: num(),
    effect: num(),
    meanInside: num(),
    meanOutside: num(),
  }),
);

export const unitLabel = schemaFor<UnitLabel>()(
  v.object({
    feature: v.picklist(INSIGHT_FEATURES),
    layer: int(),
    gate: v.picklist(LABEL_GATES),
    unit: int(),
    r: num(),
  }),
);

const featureStats = schemaFor<FeatureStats>()(
  v.object({ feature: v.picklist(INSIGHT_FEATURES), mean: num(), sd: num() }),
);

const probeUnit = schemaFor<ProbeUnit>()(
  v.object({ layer: int(), gate: v.picklist(LABEL_GATES), unit: int(), weight: num() }),
);

/** A fitted probe (probes whose score is undefined, NaN, are never sent). */
const probeWire = schemaFor<ProbeWire>()(
  v.object({
    feature: v.picklist(INSIGHT_FEATURES),
    metric: v.picklist(['auc', 'r2'] as const),
    score: num(),
    units: v.array(probeUnit),
    weights: float32,
    bias: num(),
  }),
);

const inspectTarget = schemaFor<InspectTarget>()(
  v.variant('kind', [
    v.object({ kind: v.literal('unit'), layer: int(), gate, unit: int() }),
    v.object({ kind: v.literal('probe'), feature: v.picklist(INSIGHT_FEATURES) }),
  ]),
);

const snippet = schemaFor<InspectorSnippet>()(
  v.object({
    start: int(),
    end: int(),
    value: num(),
    tokens: v.array(v.string()),
    values: v.array(num()),
    focus: int(),
  }),
);

/** Probe weights: one per state unit, at most c and h of every unit of the largest model. */
const probeWeights = v.pipe(
  float32,
  v.check((w) => w.length <= 2 * LIMITS.layers.max * LIMITS.hiddenSize.max, 'one weight per state unit'),
);

export const insightCalls = {
  unitValues: {
    params: schemaFor<UnitValuesParams>()(
      v.pipe(
        v.object({ docId, version: anyInt, start: int(), end: int(), layer: int(), gate, unit: int() }),
        v.check((p) => v.is(insightRange, p), overlayRange),
      ),
    ),
    result: schemaFor<UnitValuesResult>()(
      v.pipe(
        v.object({ version: anyInt, layer: int(), gate, unit: int(), offsets, values: float32 }),
        v.check((r) => sameLength(1)(r, r.values.length), 'one offset more than values'),
      ),
    ),
  },
  surprisal: {
    params: schemaFor<SurprisalParams>()(
      v.pipe(
        v.object({ docId, version: anyInt, start: int(), end: int() }),
        v.check((p) => v.is(insightRange, p), overlayRange),
      ),
    ),
    result: schemaFor<SurprisalResult>()(
      v.pipe(
        v.object({ version: anyInt, offsets, bits: float32, heldOutStart: int() }),
        v.check((r) => sameLength(1)(r, r.bits.length), 'one offset more than bits'),
      ),
    ),
  },
  alternatives: {
    params: schemaFor<AlternativesParams>()(
      v.object({ docId, version: anyInt, offset: int(), topK: int(LIMITS.topK) }),
    ),
    result: schemaFor<AlternativesResult>()(
      v.object({
        version: anyInt,
        offset: int(),
        tokenStart: int(),
        tokenEnd: int(),
        top: v.array(tokenProbability),
        actual: actualToken,
        heldOut: v.boolean(),
        heldOutStart: int(),
      }),
    ),
  },
  findUnits: {
    params: schemaFor<FindUnitsParams>()(
      v.object({
        docId,
        version: anyInt,
        selections: v.pipe(v.array(range), v.minLength(1)),
        direction: v.picklist(MATCH_DIRECTIONS),
        gates: v.optional(v.pipe(v.array(gate), v.minLength(1))),
        limit: v.optional(int(LIMITS.matches)),
      }),
    ),
    result: schemaFor<FindUnitsResult>()(
      v.object({
        version: anyInt,
        direction: v.picklist(MATCH_DIRECTIONS),
        matches: v.array(unitMatch),
        probe: v.nullable(v.object({ auc: num(), units: v.array(probeUnit) })),
        window: v.array(range),
        insideTokens: int(),
        outsideTokens: int(),
      }),
    ),
  },
  labelUnits: {
    params: schemaFor<LabelUnitsParams>()(v.object({ docId, languageId: v.string() })),
    result: schemaFor<LabelUnitsResult>()(
      v.object({
        version: anyInt,
        family: v.string(),
        heldOutStart: int(),
        tokens: int(),
        features: v.array(featureStats),
        labels: v.array(unitLabel),
        probes: v.array(probeWire),
        probeFit: v.object({
          fitOn: v.picklist(['training', 'heldOut']),
          fitTokens: int(),
          testTokens: int(),
          ms: num(),
        }),
      }),
    ),
  },
  inspect: {
    params: schemaFor<InspectParams>()(
      v.object({
        docId,
        target: inspectTarget,
        probe: v.optional(v.object({ weights: probeWeights, bias: num() })),
      }),
    ),
    result: schemaFor<InspectResult>()(
      v.object({
        version: anyInt,
        target: inspectTarget,
        tokens: int(),
        top: v.array(snippet),
        bottom: v.array(snippet),
        histogram: v.object({ min: num(), max: num(), counts: v.array(int()) }),
      }),
    ),
  },
  probeValues: {
    params: schemaFor<ProbeValuesParams>()(
      v.pipe(
        v.object({ docId, version: anyInt, start: int(), end: int(), weights: probeWeights, bias: num() }),
        v.check((p) => v.is(insightRange, p), overlayRange),
      ),
    ),
    result: schemaFor<ProbeValuesResult>()(
      v.pipe(
        v.object({ version: anyInt, offsets, values: float32 }),
        v.check((r) => sameLength(1)(r, r.values.length), 'one offset more than values'),
      ),
    ),
  },
};
