// Linear probes: what the whole state (c and h of every unit and layer) knows about a lexical feature, when
// no single unit carries it alone. Logistic regression scored by AUC for flags, ridge regression scored by R²
// for counts; fitted on one set of positions and scored on another, never on the positions it was fitted on
// (the unit labels fit on states of the training text and score on the held-out tail, see labels.ts;
// fitProbes splits one recording into a first part that fits and the rest that scores).
//
// Inputs are standardized with the fit part's mean and sd (constant units get weight 0), so a weight reads
// as "log-odds (or feature units) per standard deviation of that unit". Both fits are L2-regularized and
// deterministic (fixed order of every sum, no random restarts). Logistic regression uses the bound
// optimization of Böhning (1992): the Hessian of the mean log-loss never exceeds ZᵀZ/(4n), so the Newton
// step with that fixed matrix (factored once, shared by every flag) always decreases the loss.
import type { InsightFeature, LabelGate, ProbeSummary, ProbeUnit } from '../../shared/domain';

/** Kind of feature a probe predicts: a 0/1 flag (logistic, AUC) or a count (ridge, R²). */
export type ProbeKind = 'flag' | 'count';

/** The count features (ridge regression, R²); every other feature is a 0/1 flag. */
export const COUNT_FEATURES: readonly InsightFeature[] = ['bracketDepth', 'indent', 'column'];

export const PROBE_CONFIG = {
  /**
   * L2 strength on standardized inputs (the Gram matrix has a unit diagonal): mild, keeps separable flags finite;
   * raised to D / (4n) when few positions fit many units (a short file), where a mild penalty would overfit.
   */
  lambda: 1e-2,
  /** Positions the fit uses at most (evenly strided over the fit part): the Gram matrix costs n·D²/2. */
  maxFitRows: 4096,
  /**
   * Training-text tokens just before the held-out tail whose states the unit labels' probes fit on (strided to
   * maxFitRows); each costs one model step more when the labels are computed.
   */
  trainingFitTokens: 65536,
  /**
   * Held-out positions a training-text fit is scored on at most (evenly strided over the tail): scoring every one
   * of 50k costs more than the fit (a dot product per probe each, and the AUC's sort), and 16k already pins
   * an AUC to about ±0.005.
   */
  maxScoreRows: 16384,
  /** Fraction of the recorded positions the fit comes from (the first part); the rest scores it. */
  fitFraction: 0.5,
  /** Newton steps of the logistic fit at most, and the change in mean log-loss that ends it earlier. */
  maxIterations: 12,
  tolerance: 1e-7,
  /** State units past which no probe is fitted: the Gram matrix and its factor grow as D² and D³. */
  maxStateUnits: 1024,
  /** Strongest units named per probe. */
  topUnits: 3,
} as const;

/** A fitted probe: its output at a state x is bias + Σ weights[u] · x[u] (raw state values, see `unitAt`). */
export interface Probe extends ProbeSummary {
  kind: ProbeKind;
  /** Per state unit, in recording order (per layer: c then h), folded with the standardization. */
  weights: Float32Array;
  bias: number;
}

/**
 * States of L layers × (c, h) × H units at chosen positions, row-major (rows × D, D = 2·L·H), for fitting.
 * Positions are strided evenly so that at most `maxFloats` values are kept.
 */
export class StateRecording {
  readonly D: number;
  readonly stride: number;
  readonly data: Float32Array;
  /** Token offset (relative to the recording's first token) of each recorded row. */
  readonly positions: Int32Array;
  rows = 0;

  constructor(
    tokens: number,
    readonly L: number,
    readonly H: number,
    maxFloats = 8 * 1024 * 1024,
  ) {
    this.D = 2 * L * H;
    const capacity = Math.max(1, Math.floor(maxFloats / this.D));
    this.stride = Math.max(1, Math.ceil(tokens / capacity));
    const n = Math.ceil(tokens / this.stride);
    this.data = new Float32Array(n * this.D);
    this.positions = new Int32Array(n);
  }

  /** Token t (relative): keeps c and h of every layer from per-layer (6, H) trace rows at `offset`. */
  add(t: number, rows: readonly Float32Array[], offset = 0): void {
    if (t % this.stride !== 0 || this.rows >= this.positions.length) return;
    const { H } = this;
    const base = this.rows * this.D;
    for (let l = 0; l < this.L; l++) this.data.set(rows[l].subarray(offset + 4 * H, offset + 6 * H), base + l * 2 * H);
    this.positions[this.rows++] = t;
  }
}

/** Which (layer, gate, unit) a state column is. */
export function unitAt(u: number, H: number): { layer: number; gate: LabelGate; unit: number } {
  const l = Math.floor(u / (2 * H));
  const k = u % (2 * H);
  return { layer: l, gate: k < H ? 'c' : 'h', unit: k % H };
}

/** Short unit name as the panel and the CLI print it: c4, h71 (L2·c4 past the first layer). */
export function unitName(u: { layer: number; gate: string; unit: number }): string {
  return `${u.layer > 0 ? `L${u.layer + 1}·` : ''}${u.gate}${u.unit}`;
}

/** The fit part's standardized columns (column-major, D × n) and the standardization. */
interface Standardized {
  n: number;
  z: Float64Array;
  mean: Float64Array;
  /** 1/sd, 0 for constant units. */
  inv: Float64Array;
}

function standardize(X: Float32Array, D: number, rows: readonly number[]): Standardized {
  const n = rows.length;
  const mean = new Float64Array(D);
  const inv = new Float64Array(D);
  const z = new Float64Array(D * n);
  for (let i = 0; i < n; i++) {
    const b = rows[i] * D;
    for (let u = 0; u < D; u++) z[u * n + i] = X[b + u];
  }
  for (let u = 0; u < D; u++) {
    const col = z.subarray(u * n, (u + 1) * n);
    let m = 0;
    for (let i = 0; i < n; i++) m += col[i];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (col[i] - m) * (col[i] - m);
    const sd = Math.sqrt(v / n);
    mean[u] = m;
    inv[u] = sd > 1e-6 ? 1 / sd : 0;
    for (let i = 0; i < n; i++) col[i] = (col[i] - m) * inv[u];
  }
  return { n, z, mean, inv };
}

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[ao + i] * b[bo + i];
    s1 += a[ao + i + 1] * b[bo + i + 1];
    s2 += a[ao + i + 2] * b[bo + i + 2];
    s3 += a[ao + i + 3] * b[bo + i + 3];
  }
  for (; i < n; i++) s0 += a[ao + i] * b[bo + i];
  return s0 + s1 + s2 + s3;
}

/** ZᵀZ / n (D × D, symmetric). */
function gram(s: Standardized, D: number): Float64Array {
  const { n, z } = s;
  const g = new Float64Array(D * D);
  for (let i = 0; i < D; i++)
    for (let j = 0; j <= i; j++) {
      const v = dot(z, i * n, z, j * n, n) / n;
      g[i * D + j] = v;
      g[j * D + i] = v;
    }
  return g;
}

/** In-place Cholesky factor (lower) of a symmetric positive definite D × D matrix. */
export function cholesky(a: Float64Array, D: number): Float64Array {
  for (let j = 0; j < D; j++) {
    let d = a[j * D + j];
    for (let k = 0; k < j; k++) d -= a[j * D + k] * a[j * D + k];
    const ljj = Math.sqrt(Math.max(d, 1e-12));
    a[j * D + j] = ljj;
    for (let i = j + 1; i < D; i++) {
      let s = a[i * D + j];
      for (let k = 0; k < j; k++) s -= a[i * D + k] * a[j * D + k];
      a[i * D + j] = s / ljj;
    }
    for (let k = j + 1; k < D; k++) a[j * D + k] = 0;
  }
  return a;
}

/** Solves L Lᵀ x = b for the Cholesky factor L. */
export function cholSolve(l: Float64Array, D: number, b: Float64Array): Float64Array {
  const y = new Float64Array(D);
  for (let i = 0; i < D; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * D + k] * y[k];
    y[i] = s / l[i * D + i];
  }
  const x = new Float64Array(D);
  for (let i = D - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < D; k++) s -= l[k * D + i] * x[k];
    x[i] = s / l[i * D + i];
  }
  return x;
}

/** A + λI, factored. */
function factored(g: Float64Array, D: number, scale: number, lambda: number): Float64Array {
  const a = Float64Array.from(g, (v) => v * scale);
  for (let i = 0; i < D; i++) a[i * D + i] += lambda;
  return cholesky(a, D);
}

/** Zᵀ r / n. */
function zt(s: Standardized, D: number, r: Float64Array): Float64Array {
  const out = new Float64Array(D);
  for (let u = 0; u < D; u++) out[u] = dot(s.z, u * s.n, r, 0, s.n) / s.n;
  return out;
}

/** Z w (n). */
function zw(s: Standardized, D: number, w: Float64Array, bias: number): Float64Array {
  const { n, z } = s;
  const out = new Float64Array(n).fill(bias);
  for (let u = 0; u < D; u++) {
    const wu = w[u];
    if (wu === 0) continue;
    const o = u * n;
    for (let i = 0; i < n; i++) out[i] += wu * z[o + i];
  }
  return out;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** L2-regularized logistic regression on standardized columns (bound optimization, see the file comment). */
function fitLogistic(s: Standardized, D: number, chol: Float64Array, y: Float64Array, lambda: number) {
  const { n } = s;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let w = new Float64Array(D);
  let bias = Math.log(Math.max(mean, 1e-6) / Math.max(1 - mean, 1e-6));
  let prevLoss = Infinity;
  for (let it = 0; it < PROBE_CONFIG.maxIterations; it++) {
    const eta = zw(s, D, w, bias);
    const r = new Float64Array(n); // y − p
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const p = sigmoid(eta[i]);
      r[i] = y[i] - p;
      loss -= y[i] > 0.5 ? Math.log(Math.max(p, 1e-15)) : Math.log(Math.max(1 - p, 1e-15));
    }
    let wsq = 0;
    for (let u = 0; u < D; u++) wsq += w[u] * w[u];
    loss = loss / n + (lambda / 2) * wsq;
    if (prevLoss - loss < PROBE_CONFIG.tolerance) break;
    prevLoss = loss;
    const grad = zt(s, D, r); // −∂loss/∂w without the penalty
    for (let u = 0; u < D; u++) grad[u] -= lambda * w[u];
    let gb = 0;
    for (let i = 0; i < n; i++) gb += r[i];
    const step = cholSolve(chol, D, grad);
    w = Float64Array.from(w, (v, u) => v + step[u]);
    bias += (4 * gb) / n; // the intercept's own bound: its column is all ones, uncorrelated with centred Z
  }
  return { w, bias };
}

/** Ridge regression of the centred target on standardized columns. */
function fitRidge(s: Standardized, D: number, chol: Float64Array, y: Float64Array) {
  let mean = 0;
  for (let i = 0; i < s.n; i++) mean += y[i];
  mean /= s.n;
  const yc = Float64Array.from(y, (v) => v - mean);
  return { w: cholSolve(chol, D, zt(s, D, yc)), bias: mean };
}

/**
 * Exact AUC (Mann–Whitney): P(score inside > score outside) + ½ P(tie). NaN without both classes. Sorts each
 * class's scores natively and merges them, instead of sorting indices with a comparator (several times faster on
 * ~50k held-out positions).
 */
export function rankAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  let pos = 0;
  for (let i = 0; i < n; i++) if (labels[i] > 0.5) pos++;
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  const inside = new Float64Array(pos);
  const outside = new Float64Array(neg);
  for (let i = 0, p = 0, q = 0; i < n; i++)
    if (labels[i] > 0.5) inside[p++] = scores[i];
    else outside[q++] = scores[i];
  inside.sort();
  outside.sort();
  // For each inside score: the outside scores below it count 1, the equal ones ½.
  let below = 0;
  let upTo = 0;
  let acc = 0;
  for (let i = 0; i < pos; i++) {
    const v = inside[i];
    while (below < neg && outside[below] < v) below++;
    if (upTo < below) upTo = below;
    while (upTo < neg && outside[upTo] <= v) upTo++;
    acc += below + 0.5 * (upTo - below);
  }
  return acc / (pos * neg);
}

/** Coefficient of determination of predictions against targets (NaN for a constant target). */
export function rSquared(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = y.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += y[i];
  m /= n;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    res += (y[i] - pred[i]) * (y[i] - pred[i]);
    tot += (y[i] - m) * (y[i] - m);
  }
  return tot > 1e-12 ? 1 - res / tot : NaN;
}

/** A probe's output for one row of raw state values. */
export function probeOutput(p: Pick<Probe, 'weights' | 'bias'>, x: ArrayLike<number>, offset = 0): number {
  let s = p.bias;
  const w = p.weights;
  for (let u = 0; u < w.length; u++) s += w[u] * x[offset + u];
  return s;
}

export interface ProbeTarget {
  feature: InsightFeature;
  /** One value per recorded row (in the recording's row order). */
  y: ArrayLike<number>;
  kind?: ProbeKind;
}

export interface ProbeFit {
  probes: Probe[];
  fitRows: number;
  testRows: number;
  /** Wall time of the fits (standardize, Gram, factor, every probe, scoring). */
  ms: number;
}

/** Rows of a state matrix (row-major, D columns) that a fit or a score reads. */
export interface ProbeRows {
  data: Float32Array;
  rows: readonly number[];
}

/** One target's values on the fit rows and on the scored rows (in `ProbeRows.rows` order). */
export interface SplitTarget {
  feature: InsightFeature;
  kind?: ProbeKind;
  fit: ArrayLike<number>;
  test: ArrayLike<number>;
}

/**
 * Fits one probe per target on rows [0, fitFraction·rows) (at most maxFitRows of them, evenly strided) and
 * scores it on the remaining rows. A target that is constant on either part gets no probe.
 */
export function fitProbes(
  rec: Pick<StateRecording, 'data' | 'D' | 'rows' | 'H'>,
  targets: readonly ProbeTarget[],
  split?: { fit: readonly number[]; test: readonly number[] },
): ProbeFit {
  const cfg = PROBE_CONFIG;
  let fitAll: readonly number[];
  let test: readonly number[];
  if (split) {
    fitAll = split.fit;
    test = split.test;
  } else {
    const cut = Math.floor(rec.rows * cfg.fitFraction);
    fitAll = Array.from({ length: cut }, (_, i) => i);
    test = Array.from({ length: rec.rows - cut }, (_, i) => cut + i);
  }
  const step = Math.max(1, Math.ceil(fitAll.length / cfg.maxFitRows));
  const fit = fitAll.filter((_, i) => i % step === 0);
  return fitProbesOn(
    rec.D,
    rec.H,
    { data: rec.data, rows: fit },
    { data: rec.data, rows: test },
    targets.map((t) => ({
      feature: t.feature,
      kind: t.kind,
      fit: fit.map((r) => t.y[r]),
      test: test.map((r) => t.y[r]),
    })),
  );
}

/**
 * Fits one probe per target on the `fit` rows and scores it on the `test` rows, which may come from another
 * recording (states of the training text fit, states of the held-out tail score). A target that is constant on
 * either part gets no probe.
 */
export function fitProbesOn(
  D: number,
  H: number,
  fitRows: ProbeRows,
  testRows: ProbeRows,
  targets: readonly SplitTarget[],
): ProbeFit {
  const t0 = performance.now();
  const cfg = PROBE_CONFIG;
  const fit = fitRows.rows;
  const test = testRows.rows;
  const probes: Probe[] = [];
  if (fit.length < 2 || test.length < 2 || D > cfg.maxStateUnits)
    return { probes, fitRows: fit.length, testRows: test.length, ms: 0 };
  const s = standardize(fitRows.data, D, fit);
  const g = gram(s, D);
  const lambda = Math.max(cfg.lambda, D / (4 * fit.length));
  let cholFlag: Float64Array | undefined;
  let cholCount: Float64Array | undefined;
  for (const t of targets) {
    const kind = t.kind ?? (COUNT_FEATURES.includes(t.feature) ? 'count' : 'flag');
    const y = Float64Array.from(t.fit);
    const yTest = Float64Array.from(t.test);
    if (isConstant(y) || isConstant(yTest)) continue;
    let w: Float64Array;
    let bias: number;
    if (kind === 'flag') {
      cholFlag ??= factored(g, D, 0.25, lambda);
      ({ w, bias } = fitLogistic(s, D, cholFlag, y, lambda));
    } else {
      cholCount ??= factored(g, D, 1, lambda);
      ({ w, bias } = fitRidge(s, D, cholCount, y));
    }
    // Fold the standardization into raw-state weights: w·(x − μ)/σ + b = (w/σ)·x + (b − Σ w μ/σ).
    const weights = new Float32Array(D);
    let b = bias;
    for (let u = 0; u < D; u++) {
      weights[u] = w[u] * s.inv[u];
      b -= w[u] * s.inv[u] * s.mean[u];
    }
    const probe = { weights, bias: b };
    const out = Float64Array.from(test, (r) => probeOutput(probe, testRows.data, r * D));
    const score = kind === 'flag' ? rankAuc(out, yTest) : rSquared(out, yTest);
    if (!Number.isFinite(score)) continue;
    const ranked = Array.from({ length: D }, (_, u) => u).sort((a, c) => Math.abs(w[c]) - Math.abs(w[a]) || a - c);
    const units: ProbeUnit[] = ranked
      .slice(0, cfg.topUnits)
      .filter((u) => w[u] !== 0)
      .map((u) => ({ ...unitAt(u, H), weight: w[u] }));
    probes.push({ feature: t.feature, kind, metric: kind === 'flag' ? 'auc' : 'r2', score, units, weights, bias: b });
  }
  return { probes, fitRows: fit.length, testRows: test.length, ms: performance.now() - t0 };
}

function isConstant(y: Float64Array): boolean {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return false;
  return true;
}

/** The line the CLI prints: `probe inside a string: AUC 0.973 (c4 +1.2, h71 -0.9, c29 +0.7)`. */
export function probeLine(p: ProbeSummary, description: string): string {
  const units = p.units.map((u) => `${unitName(u)} ${u.weight >= 0 ? '+' : '-'}${Math.abs(u.weight).toFixed(1)}`);
  const score = Number.isFinite(p.score) ? p.score.toFixed(3) : '-';
  return `probe ${description}: ${p.metric === 'auc' ? 'AUC' : 'R²'} ${score} (${units.join(', ')})`;
}
