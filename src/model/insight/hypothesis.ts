// Find units by example (LSTMVis "hypothesis" search): given UTF-16 selections, rank every (layer, gate,
// unit) by how well its value separates tokens inside the selections from tokens around them.
//
// Window: each selection's tokens plus P tokens of context on both sides, P = max(512, the selection's
// length), merged and clipped to the text; at most MAX_WINDOW_TOKENS tokens in all (padding shrinks first).
// Score: the AUC of inside vs outside values — the probability that a random inside token's value exceeds
// a random outside token's (for 'low': is below it), ties counted half; 1 = the unit separates perfectly,
// 0.5 = chance. Computed from 256-bin histograms of a monotone squashing of the value, so exact up to ties
// within a bin. Tie-break and secondary figure: the standardized mean difference ("effect", Cohen's d,
// pooled sd floored at 1e-3), sign-flipped for 'low'.
import type { GateName, MatchDirection, UnitMatch } from '../../shared/domain';
import { GATE_NAMES } from '../../shared/domain';
import type { TextDoc } from '../textDoc';
import { fitProbes, StateRecording, type ProbeFit } from './probes';
import { SeparationAccumulator } from './stats';
import { forEachSegment, gateRow, ROWS, tokenRange, type Checkpoint, type TraceStore } from './traces';

export const MAX_WINDOW_TOKENS = 16384;
export const MIN_PADDING_TOKENS = 512;

export interface FindUnitsResult {
  matches: UnitMatch[];
  /** Token ranges compared, and their UTF-16 spans. */
  windowTokens: { first: number; last: number }[];
  window: { start: number; end: number }[];
  insideTokens: number;
  outsideTokens: number;
  /** A probe on the whole state for "inside the selections" (null: a side too small on either part). */
  probe: ProbeFit['probes'][number] | null;
}

/**
 * Tokens per block of the window's alternating fit / score split at most (neighbours share context, blocks less
 * so); a short selection gets blocks of half its length, so that both parts hold some of it.
 */
export const PROBE_BLOCK_TOKENS = 32;

/** Merged, sorted token ranges of the selections (empty selections select nothing). */
export function selectionTokens(doc: TextDoc, selections: { start: number; end: number }[]) {
  const ranges = selections
    .filter((s) => s.end > s.start)
    .map((s) => tokenRange(doc, s.start, s.end))
    .filter((r) => r.last > r.first)
    .sort((a, b) => a.first - b.first);
  const merged: { first: number; last: number }[] = [];
  for (const r of ranges) {
    const top = merged[merged.length - 1];
    if (top && r.first <= top.last) top.last = Math.max(top.last, r.last);
    else merged.push({ ...r });
  }
  return merged;
}

/** The comparison window around selection token ranges (see the file comment). */
export function analysisWindow(sel: { first: number; last: number }[], n: number, maxTokens = MAX_WINDOW_TOKENS) {
  const inside = sel.reduce((a, r) => a + r.last - r.first, 0);
  if (inside > maxTokens / 2)
    throw new Error(`the selections hold ${inside} characters; select at most ${Math.floor(maxTokens / 2)}`);
  const budget = Math.floor((maxTokens - inside) / (2 * Math.max(1, sel.length)));
  const win: { first: number; last: number }[] = [];
  for (const r of sel) {
    const pad = Math.min(budget, Math.max(MIN_PADDING_TOKENS, r.last - r.first));
    const w = { first: Math.max(0, r.first - pad), last: Math.min(n, r.last + pad) };
    const top = win[win.length - 1];
    if (top && w.first <= top.last) top.last = Math.max(top.last, w.last);
    else win.push(w);
  }
  return win;
}

export async function findUnits(
  store: TraceStore,
  doc: TextDoc,
  selections: { start: number; end: number }[],
  direction: MatchDirection,
  gates: readonly GateName[] = ['c', 'h'],
  limit = 20,
  between?: Checkpoint,
): Promise<FindUnitsResult> {
  const sel = selectionTokens(doc, selections);
  if (sel.length === 0) throw new Error('the selections are empty');
  const win = analysisWindow(sel, doc.tokenCount);
  const { H, L } = store.predictor.w;
  const rows = GATE_NAMES.filter((g) => gates.includes(g)).map(gateRow);
  const G = rows.length;
  const acc = new SeparationAccumulator(L * G * H);
  const windowTokens = win.reduce((a, w) => a + w.last - w.first, 0);
  const rec = new StateRecording(windowTokens, L, H);
  const insideAt: number[] = [];
  let wt = 0;
  let si = 0;
  for (const w of win) {
    await forEachSegment(
      store,
      doc,
      w.first,
      w.last,
      (t, from, to) => {
        for (let p = from; p < to; p++) {
          while (si < sel.length && sel[si].last <= p) si++;
          const inside = si < sel.length && sel[si].first <= p;
          for (let l = 0; l < L; l++) {
            const tr = t.rows[l];
            const base = (p - t.start) * ROWS * H;
            for (let g = 0; g < G; g++) acc.add(inside, rows[g], tr, base + rows[g] * H, (l * G + g) * H, H);
          }
          acc.next(inside);
          const recorded = rec.rows;
          rec.add(wt++, t.rows, (p - t.start) * ROWS * H);
          if (rec.rows > recorded) insideAt.push(inside ? 1 : 0);
        }
      },
      between,
    );
  }
  const [outsideTokens, insideTokens] = acc.count;
  if (outsideTokens === 0) throw new Error('nothing outside the selections to compare with');
  const sign = direction === 'high' ? 1 : -1;
  const all: UnitMatch[] = [];
  for (let l = 0; l < L; l++)
    for (let g = 0; g < G; g++)
      for (let k = 0; k < H; k++) {
        const s = acc.result((l * G + g) * H + k);
        all.push({
          layer: l,
          gate: GATE_NAMES[rows[g]],
          unit: k,
          score: sign > 0 ? s.auc : 1 - s.auc,
          effect: sign * s.effect,
          meanInside: s.meanInside,
          meanOutside: s.meanOutside,
        });
      }
  all.sort((a, b) => b.score - a.score || b.effect - a.effect);
  // The probe: even blocks fit, odd blocks score (the selection is one contiguous stretch or a few, so a
  // first-half / second-half split would put all of it on one side).
  const fit: number[] = [];
  const test: number[] = [];
  const shortest = Math.min(...sel.map((r) => r.last - r.first));
  const block = Math.max(1, Math.min(PROBE_BLOCK_TOKENS, Math.floor(shortest / 2)));
  for (let i = 0; i < rec.rows; i++) (Math.floor(i / block) % 2 === 0 ? fit : test).push(i);
  // A probe's AUC does not depend on the direction (its weights take either sign); the feature name is a stand-in.
  const probe = fitProbes(rec, [{ feature: 'inString', y: insideAt, kind: 'flag' }], { fit, test }).probes[0] ?? null;
  return {
    probe,
    matches: all.slice(0, limit),
    windowTokens: win,
    window: win.map((w) => ({ start: doc.starts[w.first], end: doc.starts[w.last] })),
    insideTokens,
    outsideTokens,
  };
}
