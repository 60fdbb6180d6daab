// Editor insight's nouns: overlays, units found by example, and units labelled by lexical features.
import type { GateName } from './gates';

/** 'probe': the text coloured by the pinned probe's output (see InsightSnapshot.pinnedProbe). */
export type OverlayKind = 'none' | 'activation' | 'surprisal' | 'probe';
export const OVERLAY_KINDS: readonly OverlayKind[] = ['none', 'activation', 'surprisal', 'probe'];

export type MatchDirection = 'high' | 'low';
export const MATCH_DIRECTIONS: readonly MatchDirection[] = ['high', 'low'];

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

/** One-line descriptions for tables and tooltips. */
export const FEATURE_DESCRIPTIONS: Record<InsightFeature, string> = {
  inString: 'inside a string',
  inComment: 'inside a comment',
  bracketDepth: 'bracket depth',
  indent: 'indentation',
  column: 'column in line',
  wordStart: 'start of a word',
  digit: 'digit',
  uppercase: 'uppercase letter',
  inQuotes: 'inside quotes',
  inParens: 'inside parentheses',
};

/** The rows a unit label may name: the state rows, which carry what a unit remembers. */
export type LabelGate = 'c' | 'h';
export const LABEL_GATES: readonly LabelGate[] = ['c', 'h'];

export interface UnitLabel {
  feature: InsightFeature;
  layer: number;
  gate: LabelGate;
  unit: number;
  /** Pearson correlation over the held-out tokens. */
  r: number;
}

/** A feature's mean and standard deviation over the analysed tokens (sd 0: no label possible). */
export interface FeatureStats {
  feature: InsightFeature;
  mean: number;
  sd: number;
}

/** A unit a probe leans on: its weight per standard deviation of the unit (sign: which way it votes). */
export interface ProbeUnit {
  layer: number;
  gate: LabelGate;
  unit: number;
  weight: number;
}

/**
 * What a linear probe on the whole state (c and h of every unit and layer) knows about a feature, scored on
 * held-out positions it was not fitted on: AUC for a 0/1 feature, R² for a count.
 */
export interface ProbeSummary {
  feature: InsightFeature;
  metric: 'auc' | 'r2';
  score: number;
  /** Strongest units by |weight|, strongest first. */
  units: ProbeUnit[];
}

/** What the unit inspector looks at: one (layer, gate, unit), or a probe's output. */
export type InspectTarget =
  { kind: 'unit'; layer: number; gate: GateName; unit: number } | { kind: 'probe'; feature: InsightFeature };

/** One context of the inspector: a short stretch of text around a position, with the value at each character. */
export interface InspectorSnippet {
  /** UTF-16 offset of the token the value is ranked by, and of its end (jump there). */
  start: number;
  end: number;
  value: number;
  /** Snippet tokens as text (data, never HTML), and the value after each one. */
  tokens: string[];
  values: number[];
  /** Index in `tokens` of the ranked token. */
  focus: number;
}

/** Top and bottom activating contexts across the document, and the histogram of every value. */
export interface UnitInspection {
  target: InspectTarget;
  /** Tokens scanned (from the start of the document; long documents are cut at LIMITS.inspectorTokens). */
  tokens: number;
  top: InspectorSnippet[];
  bottom: InspectorSnippet[];
  histogram: { min: number; max: number; counts: number[] };
}
