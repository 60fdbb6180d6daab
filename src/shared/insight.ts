// Editor insight's nouns: overlays, units found by example, and units labelled by lexical features.
import type { GateName } from './gates';

export type OverlayKind = 'none' | 'activation' | 'surprisal';
export const OVERLAY_KINDS: readonly OverlayKind[] = ['none', 'activation', 'surprisal'];

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
