// The one surface the Trainer drives: a batched forward/backward pass (truncated BPTT) over arena buffers,
// whichever cell it computes. The LSTM has its own tuned graph (lstmGraph.ts); the GRU and the vanilla RNN
// share one (gruRnnGraph.ts).
import type { Arena, Buf } from '../arena';
import { cellOf, type ModelConfig } from '../config';
import type { ParamSpec } from '../params';
import type { OutputDropout } from './dropout';
import { GruRnnGraph } from './gruRnnGraph';
import { LstmGraph } from './lstmGraph';

export interface TrainGraph {
  /** Streams, steps per window, units, layers, classes. */
  readonly B: number;
  readonly T: number;
  readonly H: number;
  readonly L: number;
  readonly V: number;
  readonly specs: ParamSpec[];
  /** The flat weights (layout of `specs`) and, after a backward pass, their gradients. */
  readonly params: Buf;
  readonly grads: Buf;
  /** This window's token ids and next-token targets, (T, B) time-major; a target of −1 is padding. */
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  /** Dropout on the top layer's output, applied by training passes only (run(true)); null: none. */
  dropout: OutputDropout | null;
  /** Loads a flat weight vector (same layout as `specs`). */
  setWeights(data: Float32Array): void;
  /** Call after any change to params: re-derives the packed and transposed copies. */
  weightsChanged(): void;
  /** Zeroes the carried state (start of an epoch, after divergence, before evaluation). */
  resetState(): void;
  /** Carries the final state of this window into the next one. */
  carryState(): void;
  /** Saves / restores the carried state (so evaluation does not disturb the training streams). */
  saveState(): Float32Array[];
  restoreState(s: Float32Array[]): void;
  /**
   * The mean cross-entropy (nats) over rows with a target; with `backward`, also fills `grads`. A generator:
   * it yields between time steps so a caller can answer messages.
   */
  run(backward: boolean): Generator<void, number>;
  /** h_t of a layer for all steps, (TB, H) time-major. */
  outputs(l?: number): Float32Array;
  dispose(): void;
}

/** The graph for a model's cell. */
export function trainGraphFor(arena: Arena, cfg: ModelConfig, V: number, B: number, T: number): TrainGraph {
  return cellOf(cfg) === 'lstm' ? new LstmGraph(arena, cfg, V, B, T) : new GruRnnGraph(arena, cfg, V, B, T);
}
