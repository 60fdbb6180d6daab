// Recurrent states along the document, so a cursor query replays a bounded number of steps.
//
// Semantics (what a prediction at token position n means, cache or no cache):
//   Tokens are cut into segments of S tokens. The state after reading tokens 0..n−1 is computed by
//   starting from a zero state at runStart = max(0, s·S − W), where s = ⌊(n−1)/S⌋ is the segment of the
//   last token read, and reading tokens runStart..n−1. So every prediction sees at least W (warm-up)
//   tokens of history (fewer only near the start of the file) and at most W + S.
// This bounded history is what makes "any offset in a 1 MB file, right after an edit" cheap: a cold
// query costs ≤ W + S steps, a warm one ≤ K + context. An edit at token e changes no run that ends
// before e, so only segments from ⌊e/S⌋ on are dropped. Training carries state across windows (longer
// history); W = 2× the BPTT window keeps the two close in practice.
import type { InferenceConfig } from './config';

/** Checkpoint j of segment s is the state after reading tokens < s·S + j·K, for j = 0..S/K. */
export interface Segment {
  states: Float32Array;
  filled: Uint8Array;
}

export class StateCache {
  private readonly segments = new Map<number, Segment>();
  readonly perSegment: number;

  constructor(
    readonly cfg: InferenceConfig,
    readonly stateSize: number,
  ) {
    if (cfg.segmentLength % cfg.checkpointEvery !== 0 || cfg.warmup % cfg.checkpointEvery !== 0)
      throw new Error('segmentLength and warmup must be multiples of checkpointEvery');
    this.perSegment = cfg.segmentLength / cfg.checkpointEvery + 1;
  }

  /** The segment whose run produces the state after reading n tokens (n ≥ 1). */
  segmentOf(n: number): number {
    return Math.floor((n - 1) / this.cfg.segmentLength);
  }

  runStart(s: number): number {
    return Math.max(0, s * this.cfg.segmentLength - this.cfg.warmup);
  }

  /** The segment's checkpoints (created empty on first use; most recently used last). */
  get(s: number): Segment {
    let seg = this.segments.get(s);
    if (seg) {
      this.segments.delete(s);
    } else {
      seg = { states: new Float32Array(this.perSegment * this.stateSize), filled: new Uint8Array(this.perSegment) };
      if (this.segments.size >= this.cfg.maxCachedSegments) {
        const oldest = this.segments.keys().next().value as number;
        this.segments.delete(oldest);
      }
    }
    this.segments.set(s, seg);
    return seg;
  }

  /** Drops everything that depends on token `e` or later (call after an edit whose first changed token is e). */
  invalidateFrom(e: number): void {
    const first = Math.floor(e / this.cfg.segmentLength);
    for (const s of [...this.segments.keys()]) if (s >= first) this.segments.delete(s);
  }

  clear(): void {
    this.segments.clear();
  }

  get size(): number {
    return this.segments.size;
  }
}
