// 95 % intervals for what the lab compares, and the verdict in words: Wilson score intervals for rates
// (recall accuracy, top-1), a seeded percentile bootstrap for means that are not proportions (mean
// probability of the correct closer), and "is one cell ahead of the others, and from which distance on".
import { Rng } from '../rng';

/** A point estimate with its 95 % interval. */
export interface Estimate {
  value: number;
  lo: number;
  hi: number;
}

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

/** Wilson score interval for `successes` out of `n` (n = 0: the whole [0, 1]). */
export function wilson(successes: number, n: number, z = Z95): Estimate {
  if (n <= 0) return { value: 0, lo: 0, hi: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // The interval always holds p; clamping keeps rounding at k = 0 or k = n from nudging it past.
  return { value: p, lo: Math.min(p, Math.max(0, centre - half)), hi: Math.max(p, Math.min(1, centre + half)) };
}

/** Percentile bootstrap of the mean of `xs` (`resamples` seeded resamples with replacement). */
export function bootstrapMean(xs: ArrayLike<number>, seed = 1, resamples = 1000): Estimate {
  const n = xs.length;
  if (n === 0) return { value: 0, lo: 0, hi: 0 };
  let sum = 0;
  for (let k = 0; k < n; k++) sum += xs[k];
  const means = new Float64Array(resamples);
  const rng = new Rng(seed);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += xs[rng.int(n)];
    means[r] = s / n;
  }
  means.sort();
  const at = (q: number) => means[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))];
  return { value: sum / n, lo: at(0.025), hi: at(0.975) };
}

/** One point of a curve per series (e.g. per cell), at a distance x; null: that series was not measured. */
export interface SeriesPoint<K extends string> {
  x: number;
  /** Where a lead that starts at this point begins, in words ("beyond 20 characters", "from a gap of 50"). */
  from: string;
  /** Where a lead that ends at this point ends, in words ("up to 100 characters"); default "up to {x}". */
  to?: string;
  estimates: Partial<Record<K, Estimate | null>>;
}

export interface Separation<K extends string> {
  /** The series whose interval lies above every other series' from `beyond` on, or null: not separated. */
  leader: K | null;
  /** Smallest x from which the leader is ahead at every measured point (inclusive). */
  from: number | null;
  /** The verdict in words, as the comparison table shows it. */
  words: string;
}

const NAMES: Record<string, string> = { lstm: 'LSTM', gru: 'GRU', rnn: 'RNN' };
const nameOf = (k: string) => NAMES[k] ?? k;

/**
 * Is one series ahead of all the others, and from which distance? "Ahead" at a point means its interval's
 * lower end is above every other series' upper end (intervals that do not overlap). Takes the longest run
 * of consecutive points where one series is ahead at each (ties: the later run) and says where it starts
 * (and where it ends, when it stops before the last point: there every cell may be back at chance). When
 * no single series leads, two leading the third together are named ("LSTM and GRU ahead of RNN ...").
 */
export function separation<K extends string>(points: readonly SeriesPoint<K>[], keys: readonly K[]): Separation<K> {
  const sorted = [...points].sort((a, b) => a.x - b.x);
  const present = keys.filter((k) => sorted.some((p) => p.estimates[k]));
  const notYet: Separation<K> = { leader: null, from: null, words: 'not separated yet: train longer' };
  if (present.length < 2 || sorted.length === 0) return notYet;
  /** Every series in `lead` has its interval above every series in `rest` at this point. */
  const ahead = (p: SeriesPoint<K>, lead: readonly K[], rest: readonly K[]) =>
    lead.every((k) => {
      const e = p.estimates[k];
      return !!e && rest.every((o) => !!p.estimates[o] && e.lo > p.estimates[o]!.hi);
    });
  /** The longest run [i, j] of points where `test` holds (ties: the later one), or null. */
  const longestRun = (test: (p: SeriesPoint<K>) => boolean) => {
    let best: { i: number; j: number } | null = null;
    for (let i = 0; i < sorted.length; i++) {
      if (!test(sorted[i])) continue;
      let j = i;
      while (j + 1 < sorted.length && test(sorted[j + 1])) j++;
      if (best === null || j - i >= best.j - best.i) best = { i, j };
      i = j;
    }
    return best;
  };
  const where = (r: { i: number; j: number }) =>
    (r.i === 0
      ? r.j < sorted.length - 1
        ? 'from the shortest distance'
        : 'at every distance measured'
      : sorted[r.i].from) + (r.j < sorted.length - 1 ? ` ${sorted[r.j].to ?? `up to ${sorted[r.j].x}`}` : '');
  type Lead = { lead: K[]; rest: K[]; r: { i: number; j: number } };
  const leads: Lead[] = [];
  for (const k of present) {
    const rest = present.filter((o) => o !== k);
    const r = longestRun((p) => ahead(p, [k], rest));
    if (r) leads.push({ lead: [k], rest, r });
  }
  if (present.length >= 3)
    for (let a = 0; a < present.length; a++)
      for (let b = a + 1; b < present.length; b++) {
        const lead = [present[a], present[b]];
        const rest = present.filter((o) => !lead.includes(o));
        const r = longestRun((p) => ahead(p, lead, rest));
        if (r) leads.push({ lead, rest, r });
      }
  // The longest lead wins; on a tie, a single leader over a pair.
  let best: Lead | null = null;
  for (const l of leads) if (best === null || l.r.j - l.r.i > best.r.j - best.r.i) best = l;
  if (!best) return notYet;
  const from = sorted[best.r.i].x;
  if (best.lead.length === 1)
    return { leader: best.lead[0], from, words: `${nameOf(best.lead[0])} ahead ${where(best.r)}` };
  return {
    leader: null,
    from,
    words: `${best.lead.map(nameOf).join(' and ')} ahead of ${best.rest.map(nameOf).join(' and ')} ${where(best.r)}`,
  };
}
