// Streaming statistics for unit analyses: Pearson correlation of many units against many features, and
// inside-vs-outside separation (standardized mean difference and a binned AUC) for many units at once.

/**
 * Pearson r of U value streams (units) against F fixed per-token features, accumulated token by token.
 * Features are centred on their mean over the analysed tokens up front and each unit's values on its first
 * value, so float64 sums stay accurate over long texts.
 */
export class PearsonAccumulator {
  readonly n: number;
  private readonly yc: Float64Array[]; // centred features, per feature over the analysed tokens
  private readonly ySS: Float64Array; // Σ (y − ȳ)²
  private readonly sx: Float64Array;
  private readonly sxx: Float64Array;
  private readonly sxy: Float64Array; // (F, U)
  private readonly shift: Float64Array;
  private readonly started: Uint8Array;
  private count = 0;

  /** features[f][t] for the analysed tokens t = 0..n−1, in the order they will be added. */
  constructor(
    features: ArrayLike<number>[],
    readonly units: number,
  ) {
    this.n = features.length > 0 ? features[0].length : 0;
    this.yc = features.map((y) => {
      let m = 0;
      for (let t = 0; t < y.length; t++) m += y[t];
      m /= Math.max(1, y.length);
      return Float64Array.from(y, (v) => v - m);
    });
    this.ySS = Float64Array.from(this.yc, (y) => y.reduce((a, v) => a + v * v, 0));
    this.sx = new Float64Array(units);
    this.sxx = new Float64Array(units);
    this.sxy = new Float64Array(features.length * units);
    this.shift = new Float64Array(units);
    this.started = new Uint8Array(units);
  }

  /** Adds token t's unit values (x[u0 + k] for units k; `stride` between units, default 1). */
  add(t: number, x: ArrayLike<number>, u0 = 0, units = this.units, offset = 0, stride = 1): void {
    const F = this.yc.length;
    const U = this.units;
    for (let k = 0; k < units; k++) {
      const u = u0 + k;
      const raw = x[offset + k * stride];
      if (!this.started[u]) {
        this.started[u] = 1;
        this.shift[u] = raw;
      }
      const v = raw - this.shift[u];
      this.sx[u] += v;
      this.sxx[u] += v * v;
      for (let f = 0; f < F; f++) this.sxy[f * U + u] += v * this.yc[f][t];
    }
  }

  /** Call once per token after all its units were added (counts tokens). */
  next(): void {
    this.count++;
  }

  /** r[f][u]; NaN where a feature or a unit is constant over the analysed tokens. */
  result(): Float64Array[] {
    const N = this.count;
    const U = this.units;
    return this.yc.map((_, f) => {
      const r = new Float64Array(U);
      for (let u = 0; u < U; u++) {
        const sxxC = this.sxx[u] - (this.sx[u] * this.sx[u]) / N; // Σ (x − x̄)²
        const cov = this.sxy[f * U + u]; // Σ (x − shift)(y − ȳ) = Σ (x − x̄)(y − ȳ)
        const den = Math.sqrt(sxxC * this.ySS[f]);
        r[u] = den > 1e-12 * N && sxxC > 1e-9 * N ? Math.max(-1, Math.min(1, cov / den)) : NaN;
      }
      return r;
    });
  }
}

/** Two-pass Pearson r of two arrays (the straightforward reference the accumulator is tested against). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let t = 0; t < n; t++) {
    mx += x[t];
    my += y[t];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let t = 0; t < n; t++) {
    const a = x[t] - mx;
    const b = y[t] - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Histogram bins for the binned AUC. */
export const AUC_BINS = 256;

/** Maps a gate value monotonically into [0, 1) for binning (AUC depends only on order). */
export function squash(gateRow: number, v: number): number {
  // rows i, f, o: (0, 1); g, h: (−1, 1); c: unbounded → c / (1 + |c|) ∈ (−1, 1).
  if (gateRow === 0 || gateRow === 1 || gateRow === 3) return v;
  if (gateRow === 4) return (v / (1 + Math.abs(v)) + 1) / 2;
  return (v + 1) / 2;
}

export interface Separation {
  /** P(inside > outside) + ½ P(tie), from 256-bin histograms of the squashed values. */
  auc: number;
  /** (mean inside − mean outside) / pooled standard deviation (sd floored at 1e-3). */
  effect: number;
  meanInside: number;
  meanOutside: number;
}

/** Inside-vs-outside separation of U units, accumulated token by token. */
export class SeparationAccumulator {
  private readonly hist: Uint32Array; // (U, 2, BINS)
  private readonly sum: Float64Array; // (U, 2)
  private readonly sumSq: Float64Array;
  private readonly shift: Float64Array;
  private readonly started: Uint8Array;
  readonly count = [0, 0];

  constructor(readonly units: number) {
    this.hist = new Uint32Array(units * 2 * AUC_BINS);
    this.sum = new Float64Array(units * 2);
    this.sumSq = new Float64Array(units * 2);
    this.shift = new Float64Array(units);
    this.started = new Uint8Array(units);
  }

  /** Adds values x[offset + k] of units u0 + k (k < count) for one token; `row` picks the squashing. */
  add(inside: boolean, row: number, x: ArrayLike<number>, offset: number, u0: number, count: number): void {
    const side = inside ? 1 : 0;
    for (let k = 0; k < count; k++) {
      const u = u0 + k;
      const raw = x[offset + k];
      if (!this.started[u]) {
        this.started[u] = 1;
        this.shift[u] = raw;
      }
      const v = raw - this.shift[u];
      this.sum[u * 2 + side] += v;
      this.sumSq[u * 2 + side] += v * v;
      let b = Math.floor(squash(row, raw) * AUC_BINS);
      if (b < 0 || b !== b) b = 0;
      else if (b >= AUC_BINS) b = AUC_BINS - 1;
      this.hist[(u * 2 + side) * AUC_BINS + b]++;
    }
  }

  /** Counts one token on its side (call once per token). */
  next(inside: boolean): void {
    this.count[inside ? 1 : 0]++;
  }

  result(u: number): Separation {
    const [nOut, nIn] = this.count;
    const mean = (side: number) => this.sum[u * 2 + side] / Math.max(1, this.count[side]);
    const ss = (side: number) => this.sumSq[u * 2 + side] - this.sum[u * 2 + side] * mean(side); // Σ (x − x̄)²
    const pooled = Math.sqrt(Math.max(0, ss(0) + ss(1)) / Math.max(1, nIn + nOut - 2));
    const effect = (mean(1) - mean(0)) / Math.max(pooled, 1e-3);
    const hin = this.hist.subarray((u * 2 + 1) * AUC_BINS, (u * 2 + 2) * AUC_BINS);
    const hout = this.hist.subarray(u * 2 * AUC_BINS, (u * 2 + 1) * AUC_BINS);
    let below = 0;
    let acc = 0;
    for (let b = 0; b < AUC_BINS; b++) {
      acc += hin[b] * (below + 0.5 * hout[b]);
      below += hout[b];
    }
    const auc = nIn > 0 && nOut > 0 ? acc / (nIn * nOut) : 0.5;
    return { auc, effect, meanInside: mean(1) + this.shift[u], meanOutside: mean(0) + this.shift[u] };
  }
}

/** Exact AUC by ranks (reference for tests): P(a > b) + ½ P(a = b). */
export function exactAuc(inside: ArrayLike<number>, outside: ArrayLike<number>): number {
  let acc = 0;
  for (let i = 0; i < inside.length; i++)
    for (let j = 0; j < outside.length; j++) acc += inside[i] > outside[j] ? 1 : inside[i] === outside[j] ? 0.5 : 0;
  return acc / (inside.length * outside.length);
}
