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
//
// Memory: checkpoints live in slots of a few shared slabs (no per-segment allocation, so edits that
// drop and refill segments make no garbage), grown on demand one slab at a time and never past
// `capacity` slots = min(maxCachedSegments, ⌊maxCacheBytes / bytesPerSegment⌋). Least recently used
// segments are evicted beyond that. See InferenceConfig.maxCacheBytes for the figures.
import { DEFAULT_MAX_CACHE_BYTES, type InferenceConfig } from './config';

/** Checkpoint j of segment s is the state after reading tokens < s·S + j·K, for j = 0..S/K. */
export interface Segment {
  states: Float32Array;
  filled: Uint8Array;
}

interface Slot extends Segment {
  index: number;
}

/** Bytes of slab allocated at a time (rounded to whole slots). */
const SLAB_BYTES = 1 << 20;

export class StateCache {
  private readonly segments = new Map<number, Slot>();
  private readonly free: Slot[] = [];
  private slots = 0;
  readonly perSegment: number;
  /** Bytes one segment's checkpoints take. */
  readonly bytesPerSegment: number;
  /** Most segments kept at once. */
  readonly capacity: number;
  private readonly slotsPerSlab: number;

  constructor(
    readonly cfg: InferenceConfig,
    readonly stateSize: number,
  ) {
    if (cfg.segmentLength % cfg.checkpointEvery !== 0 || cfg.warmup % cfg.checkpointEvery !== 0)
      throw new Error('segmentLength and warmup must be multiples of checkpointEvery');
    this.perSegment = cfg.segmentLength / cfg.checkpointEvery + 1;
    this.bytesPerSegment = this.perSegment * stateSize * 4;
    const byBytes = Math.floor((cfg.maxCacheBytes ?? DEFAULT_MAX_CACHE_BYTES) / this.bytesPerSegment);
    this.capacity = Math.max(1, Math.min(cfg.maxCachedSegments, byBytes));
    this.slotsPerSlab = Math.max(1, Math.min(this.capacity, Math.floor(SLAB_BYTES / this.bytesPerSegment)));
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
      seg = this.takeSlot();
      seg.filled.fill(0);
    }
    this.segments.set(s, seg);
    return seg;
  }

  private takeSlot(): Slot {
    const f = this.free.pop();
    if (f) return f;
    if (this.slots < this.capacity) {
      // A new slab: its slots go to the free list (allocated lazily, so small files stay small).
      const n = Math.min(this.slotsPerSlab, this.capacity - this.slots);
      const states = new Float32Array(n * this.perSegment * this.stateSize);
      const filled = new Uint8Array(n * this.perSegment);
      const per = this.perSegment * this.stateSize;
      for (let k = n - 1; k >= 0; k--)
        this.free.push({
          index: this.slots + k,
          states: states.subarray(k * per, (k + 1) * per),
          filled: filled.subarray(k * this.perSegment, (k + 1) * this.perSegment),
        });
      this.slots += n;
      return this.free.pop()!;
    }
    // Full: evict the least recently used segment and reuse its slot.
    const oldest = this.segments.keys().next().value as number;
    const slot = this.segments.get(oldest)!;
    this.segments.delete(oldest);
    return slot;
  }

  /** Drops everything that depends on token `e` or later (call after an edit whose first changed token is e). */
  invalidateFrom(e: number): void {
    const first = Math.floor(e / this.cfg.segmentLength);
    for (const [s, slot] of this.segments)
      if (s >= first) {
        this.segments.delete(s);
        this.free.push(slot);
      }
  }

  /** Drops every segment and releases the slabs. */
  clear(): void {
    this.segments.clear();
    this.free.length = 0;
    this.slots = 0;
  }

  get size(): number {
    return this.segments.size;
  }

  /** Bytes of slab currently allocated (≤ capacity · bytesPerSegment). */
  get allocatedBytes(): number {
    return this.slots * this.bytesPerSegment;
  }
}
