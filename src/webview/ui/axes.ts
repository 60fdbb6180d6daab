// Axis arithmetic for the panel's charts (nice ticks, linear and log scales, compact counts), pure so it can be unit-tested.

/** Evenly spaced round tick values covering [min, max] with about `count` intervals (1, 2 or 5 × 10^k apart). */
export function niceStep(min: number, max: number, count = 5): number {
  const span = Math.abs(max - min) || Math.abs(max) || 1;
  const raw = span / Math.max(1, count);
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const normalized = raw / magnitude;
  const factor = normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10;
  return factor * magnitude;
}

/** Decimals needed to print multiples of `step` without float noise (0.1 → 1, 0.25 → 2, 5 → 0). */
export function stepDecimals(step: number): number {
  for (let d = 0; d < 10; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-9) return d;
  return 10;
}

export interface Axis {
  /** How values map onto the axis; linear when absent. */
  scale?: 'linear' | 'log';
  min: number;
  max: number;
  step: number;
  ticks: number[];
}

/**
 * An axis that ends on ticks and covers every value: [floor(min/step)·step, ceil(max/step)·step].
 * An empty or flat range is widened so the axis still has height.
 */
export function niceAxis(values: readonly number[], count = 5, options: { includeZero?: boolean } = {}): Axis {
  const finite = values.filter((v) => Number.isFinite(v));
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (options.includeZero) {
    lo = Math.min(0, lo);
    hi = Math.max(0, hi);
  }
  if (hi - lo < 1e-12) {
    const pad = Math.abs(hi) > 0 ? Math.abs(hi) * 0.1 : 1;
    lo -= options.includeZero && lo === 0 ? 0 : pad;
    hi += pad;
  }
  const step = niceStep(lo, hi, count);
  const decimals = stepDecimals(step);
  const round = (v: number) => Number(v.toFixed(decimals));
  const min = round(Math.floor(lo / step + 1e-9) * step);
  const max = round(Math.ceil(hi / step - 1e-9) * step);
  const ticks: number[] = [];
  for (let v = min; v <= max + step / 2; v += step) ticks.push(round(v));
  return { min, max, step, ticks };
}

/** Maps [d0, d1] linearly onto [r0, r1] (a flat domain maps to r0). */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0;
  return (v) => (span === 0 ? r0 : r0 + ((v - d0) / span) * (r1 - r0));
}

/**
 * A log axis from decade to decade covering the positive values, ticked at each power of ten (and at 2 and 5
 * between them when it spans at most two decades). Values ≤ 0 cannot be shown and are ignored.
 */
export function logAxis(values: readonly number[]): Axis {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  let lo = positive.length ? Math.floor(Math.log10(Math.min(...positive)) + 1e-9) : 0;
  let hi = positive.length ? Math.ceil(Math.log10(Math.max(...positive)) - 1e-9) : 1;
  if (hi <= lo) hi = lo + 1;
  const ticks: number[] = [];
  for (let k = lo; k <= hi; k++) {
    const decade = Number((10 ** k).toPrecision(12));
    ticks.push(decade);
    if (hi - lo <= 2 && k < hi) ticks.push(Number((2 * decade).toPrecision(12)), Number((5 * decade).toPrecision(12)));
  }
  lo = ticks[0];
  hi = ticks[ticks.length - 1];
  return { scale: 'log', min: lo, max: hi, step: 10, ticks };
}

/** Maps [d0, d1] (both > 0) onto [r0, r1] by their logarithms; values ≤ 0 land at r0. */
export function logScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const lin = linearScale(Math.log10(d0), Math.log10(d1), r0, r1);
  return (v) => (v > 0 ? lin(Math.log10(v)) : r0);
}

/** The axis' own scale onto [r0, r1]. */
export function axisScale(axis: Axis, r0: number, r1: number): (v: number) => number {
  return (axis.scale === 'log' ? logScale : linearScale)(axis.min, axis.max, r0, r1);
}

/** A tick label for the axis: decimals by its step (linear), or compact numbers (log). */
export function formatAxisTick(axis: Axis, value: number): string {
  if (axis.scale !== 'log') return formatTick(value, axis.step);
  return value >= 1 ? formatCount(value) : String(Number(value.toPrecision(1)));
}

/** A tick label with just the decimals its step needs. */
export function formatTick(value: number, step: number): string {
  return value.toFixed(stepDecimals(step));
}

/** A compact count: 950, 8.3k, 83k, 1.2M. */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1000) return String(Math.round(n));
  if (abs < 10_000) return `${trim((n / 1000).toFixed(1))}k`;
  if (abs < 999_500) return `${Math.round(n / 1000)}k`;
  return `${trim((n / 1e6).toFixed(1))}M`;
}

function trim(text: string): string {
  return text.replace(/\.0$/, '');
}
