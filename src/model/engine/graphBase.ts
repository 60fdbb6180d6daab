// What both training graphs do the same way: their shape and parameter layout, the window's token ids,
// loading weights into the flat parameter buffer, and the carried state (handed through to CarriedState).
import type { Arena, Buf } from '../arena';
import type { ModelConfig } from '../config';
import { paramSpecs, type ParamSpec } from '../params';
import type { CarriedState } from './carried';
import type { OutputDropout } from './dropout';

export abstract class GraphBase {
  readonly H: number;
  readonly L: number;
  readonly E: number;
  readonly specs: ParamSpec[];
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  abstract readonly params: Buf;
  protected abstract readonly state: CarriedState;
  /** Dropout on the top layer's output in training passes (run(true)); null: none. */
  dropout: OutputDropout | null = null;

  constructor(
    readonly arena: Arena,
    readonly cfg: ModelConfig,
    readonly V: number,
    readonly B: number,
    readonly T: number,
  ) {
    this.H = cfg.hiddenSize;
    this.L = cfg.layers;
    this.E = cfg.embeddingSize;
    this.specs = paramSpecs(cfg, V);
    this.inputs = new Int32Array(T * B);
    this.targets = new Int32Array(T * B);
  }

  /** Call after any change to params: re-derives the packed and transposed copies. */
  abstract weightsChanged(): void;

  /** One time step of one layer, forward / backward (the backward one fills that step's gradients). */
  protected abstract forwardStep(l: number, t: number): void;
  protected abstract backwardStep(l: number, t: number): void;

  /** Layer l forward through steps 0…T−1, yielding every 8 steps so the caller can answer messages. */
  protected *forwardLayer(l: number): Generator<void, void> {
    for (let t = 0; t < this.T; t++) {
      this.forwardStep(l, t);
      if ((t & 7) === 7) yield;
    }
  }

  /** Layer l backward through steps T−1…0, yielding every 8 steps. */
  protected *backwardLayer(l: number): Generator<void, void> {
    for (let t = this.T - 1; t >= 0; t--) {
      this.backwardStep(l, t);
      if ((t & 7) === 0) yield;
    }
  }

  /** Loads a flat weight vector (same layout as the graph's specs) and refreshes the derived copies. */
  setWeights(data: Float32Array): void {
    this.params.v.set(data);
    this.weightsChanged();
  }

  resetState(): void {
    this.state.reset();
  }

  carryState(): void {
    this.state.carry();
  }

  saveState(): Float32Array[] {
    return this.state.save();
  }

  restoreState(s: Float32Array[]): void {
    this.state.restore(s);
  }
}
