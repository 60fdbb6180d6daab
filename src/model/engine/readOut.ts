// The output layer both training graphs end in: logits = h·Wy + by over all T·B rows, and its backward
// pass (dWy = hᵀ·dLogits, dby = Σ rows, dh = dLogits·Wyᵀ). The cross-entropy between them is each graph's.
import type { Arena, Buf } from '../arena';
import { columnSums, transpose } from './ops';

/** A view of one named parameter in the flat weights (grad: in the gradients), as each graph makes them. */
export type ParamView = (name: string, grad: boolean, tracked?: boolean) => Buf;
/** A new buffer of n floats, as each graph allocates and owns them. */
export type Alloc = (n: number, tracked?: boolean) => Buf;

export class ReadOut {
  readonly Wy: Buf; // (H, V)
  readonly by: Buf; // (V)
  readonly gWy: Buf;
  readonly gby: Buf;
  readonly WyT: Buf; // (V, H)
  readonly logits: Buf; // (TB, V)
  readonly dLogits: Buf; // (TB, V)

  constructor(
    private readonly arena: Arena,
    private readonly H: number,
    private readonly V: number,
    private readonly TB: number,
    param: ParamView,
    alloc: Alloc,
  ) {
    this.Wy = param('output.kernel', false, true);
    this.by = param('output.bias', false);
    this.gWy = param('output.kernel', true);
    this.gby = param('output.bias', true);
    this.WyT = alloc(V * H, true);
    this.logits = alloc(TB * V);
    this.dLogits = alloc(TB * V);
  }

  /** After a change to the weights: the transposed copy, and both marked changed for the matmul. */
  weightsChanged(): void {
    transpose(this.Wy.v, this.WyT.v, this.H, this.V);
    this.arena.touch(this.Wy);
    this.arena.touch(this.WyT);
  }

  /** logits = hs·Wy (TB,H)·(H,V); the bias is added by the cross-entropy. */
  forward(hs: Buf): void {
    this.arena.gemm(hs, this.Wy, this.logits, this.TB, this.H, this.V);
  }

  /** From dLogits: dWy = hsᵀ·dL (H,TB)(TB,V), dby = Σ rows dL, dHs = dL·Wyᵀ (TB,V)(V,H). */
  backward(hsT: Buf, dHs: Buf): void {
    const { arena, H, V, TB } = this;
    arena.gemm(hsT, this.dLogits, this.gWy, H, TB, V);
    columnSums(this.dLogits.v, this.gby.v, TB, V);
    arena.gemm(this.dLogits, this.WyT, dHs, TB, V, H);
  }

  /** Views first, then buffers. */
  get buffers(): Buf[] {
    return [this.Wy, this.by, this.gWy, this.gby, this.WyT, this.logits, this.dLogits];
  }
}
