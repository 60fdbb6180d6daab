// What the intervention form offers and how a choice becomes an InterventionSpec; pure, so the mapping is tested.

import type { ClampTarget, InterventionSpec, TokenProbability, ViewState } from '../../shared/protocol';

export type ClampChoiceId = 'f-open' | 'f-shut' | 'i-shut' | 'o-shut' | 'c' | 'h';

export interface ClampChoice {
  id: ClampChoiceId;
  target: ClampTarget;
  /** The value a gate is forced to; null when the user types it (c, h). */
  value: number | null;
  /** English label (a key of WEBVIEW_STRINGS). */
  label: string;
}

export const CLAMP_CHOICES: readonly ClampChoice[] = [
  { id: 'f-open', target: 'f', value: 1, label: 'Force forget gate open (f = 1)' },
  { id: 'f-shut', target: 'f', value: 0, label: 'Force forget gate shut (f = 0)' },
  { id: 'i-shut', target: 'i', value: 0, label: 'Shut input gate (i = 0)' },
  { id: 'o-shut', target: 'o', value: 0, label: 'Shut output gate (o = 0)' },
  { id: 'c', target: 'c', value: null, label: 'Clamp cell state c' },
  { id: 'h', target: 'h', value: null, label: 'Clamp hidden state h' },
];

/** Bounds of the form's number fields (the host accepts c, h within ±10 and gates in [0, 1]). */
export const INTERVENTION_LIMITS = {
  value: { min: -10, max: 10, initial: 1 },
  steps: { min: 1, max: 200, initial: 20 },
  temperature: { min: 0, max: 2, initial: 0.8 },
} as const;

/** How many top tokens each column lists. */
export const SHOWN_TOKENS = 5;
/** A token whose probability moved by at least this much (absolute) is marked. */
export const SHIFT_THRESHOLD = 0.1;

export function clampChoice(id: string): ClampChoice | undefined {
  return CLAMP_CHOICES.find((c) => c.id === id);
}

/** A number typed in a field, clamped to [min, max] (rounded when `integer`); `fallback` when it isn't a number. */
export function readNumber(text: string, min: number, max: number, fallback: number, integer = false): number {
  const trimmed = text.trim();
  const n = trimmed === '' ? NaN : Number(trimmed);
  if (!Number.isFinite(n)) return fallback;
  const v = integer ? Math.round(n) : n;
  return Math.max(min, Math.min(max, v));
}

export interface ScopeOption {
  /** 'unit:<layer>:<unit>' or 'layer:<layer>'. */
  value: string;
  layer: number;
  unit: number | null;
}

/** The units an intervention may act on: the pinned unit (first, when there is one) and every layer as a whole. */
export function scopeOptions(view: ViewState, layers: number, hiddenSize: number): ScopeOption[] {
  const options: ScopeOption[] = [];
  const u = view.pinnedUnit;
  if (u !== null && u < hiddenSize && view.pinnedLayer < layers)
    options.push({ value: `unit:${view.pinnedLayer}:${u}`, layer: view.pinnedLayer, unit: u });
  for (let layer = 0; layer < layers; layer++) options.push({ value: `layer:${layer}`, layer, unit: null });
  return options;
}

export function parseScope(value: string): { layer: number; unit: number | null } | undefined {
  const unit = /^unit:(\d+):(\d+)$/.exec(value);
  if (unit) return { layer: Number(unit[1]), unit: Number(unit[2]) };
  const layer = /^layer:(\d+)$/.exec(value);
  return layer ? { layer: Number(layer[1]), unit: null } : undefined;
}

/** The form's fields as typed → the spec the host is sent; undefined when the choice or scope is unknown. */
export function interventionSpec(fields: {
  choice: string;
  value: string;
  scope: string;
  steps: string;
}): InterventionSpec | undefined {
  const choice = clampChoice(fields.choice);
  const scope = parseScope(fields.scope);
  if (!choice || !scope) return undefined;
  const L = INTERVENTION_LIMITS;
  const value = choice.value ?? readNumber(fields.value, L.value.min, L.value.max, L.value.initial);
  const steps = readNumber(fields.steps, L.steps.min, L.steps.max, L.steps.initial, true);
  return { layer: scope.layer, unit: scope.unit, target: choice.target, value, steps };
}

/** The choice a spec came from (for describing a result); c and h match by target alone. */
export function choiceForSpec(spec: InterventionSpec): ClampChoice | undefined {
  return CLAMP_CHOICES.find((c) => c.target === spec.target && (c.value === null || c.value === spec.value));
}

/**
 * How much the intervention moved a token's probability (clamped − baseline), conservatively: the lists are
 * top-k, so a token missing from one has at most that list's smallest probability there. The bound is used
 * only when it still proves a move in one direction; otherwise the shift is reported as 0 (unknown).
 */
export function probabilityShift(token: string, baseline: TokenProbability[], clamped: TokenProbability[]): number {
  const find = (list: TokenProbability[]) => list.find((p) => p.token === token)?.prob;
  const floor = (list: TokenProbability[]) => (list.length ? Math.min(...list.map((p) => p.prob)) : 0);
  const before = find(baseline);
  const after = find(clamped);
  if (before !== undefined && after !== undefined) return after - before;
  if (after !== undefined) return Math.max(0, after - floor(baseline));
  if (before !== undefined) return Math.min(0, floor(clamped) - before);
  return 0;
}

export function isShifted(shift: number): boolean {
  return Math.abs(shift) >= SHIFT_THRESHOLD - 1e-9;
}
