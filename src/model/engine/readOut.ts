// The output layer both training graphs end in: logits = h·Wy + by over all T·B rows, and its backward
// pass (dWy = hᵀ·dLogits, dby = Σ rows, dh = dLogits·Wyᵀ). The cross-entropy between them is each graph's.
// With a dropout mask (training only, see dropout.ts) it reads h ⊙ mask and masks dh the same way. Its three
// products run in row blocks with yields between them (rowBlocks.ts): they are a training step's largest.
import type { Arena, Buf } from '../arena';
import { columnSumsBuf, transposeBuf } from './ops';
import { RowBlocks } from './rowBlocks';

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
  /** h ⊙ mask and its transpose, allocated on the first step that drops (training with dropout only). */
  private dropped: { hd: Buf; hdT: Buf } | null = null;
  /** The mask the last forward pass applied (null: none), which its backward pass applies to dh. */
  private mask: Float32Array | null = null;
  /** logits (TB,H)·(H,V), dWy (H,TB)·(TB,V), dHs (TB,V)·(V,H). */
  private readonly blocks: { logits: RowBlocks; gWy: RowBlocks; dHs: RowBlocks };

  constructor(
    private readonly arena: Arena,
    private readonly H: number,
    private readonly V: number,
    private readonly TB: number,
    param: ParamView,
    private readonly alloc: Alloc,
  ) {
    this.Wy = param('output.kernel', false, true);
    this.by = param('output.bias', false);
    this.gWy = param('output.kernel', true);
    this.gby = param('output.bias', true);
    this.WyT = alloc(V * H, true);
    this.logits = alloc(TB * V);
    this.dLogits = alloc(TB * V);
    this.blocks = {
      logits: new RowBlocks(arena, TB, H, V),
      gWy: new RowBlocks(arena, H, TB, V),
      dHs: new RowBlocks(arena, TB, V, H),
    };
  }

  /** After a change to the weights: the transposed copy, and both marked changed for the matmul. */
  weightsChanged(): void {
    transposeBuf(this.arena, this.Wy, this.WyT, this.H, this.V);
    this.arena.touch(this.Wy);
    this.arena.touch(this.WyT);
  }

  /** logits = (hs ⊙ mask)·Wy (TB,H)·(H,V); the bias is added by the cross-entropy. No mask: hs as it is. */
  *forward(hs: Buf, mask: Float32Array | null = null): Generator<void, void> {
    this.mask = mask;
    if (!mask) return yield* this.blocks.logits.gemm(hs, this.Wy, this.logits);
    const { H, TB } = this;
    this.dropped ??= { hd: this.alloc(TB * H), hdT: this.alloc(H * TB) };
    const h = hs.v;
    const hd = this.dropped.hd.v;
    const hdT = this.dropped.hdT.v;
    for (let r = 0; r < TB; r++)
      for (let k = 0; k < H; k++) {
        const x = h[r * H + k] * mask[r * H + k]; // (TB,H) dropped output
        hd[r * H + k] = x;
        hdT[k * TB + r] = x;
      }
    yield* this.blocks.logits.gemm(this.dropped.hd, this.Wy, this.logits);
  }

  /** From dLogits: dWy = hsᵀ·dL (H,TB)(TB,V), dby = Σ rows dL, dHs = dL·Wyᵀ (TB,V)(V,H), then dHs ⊙= mask. */
  *backward(hsT: Buf, dHs: Buf): Generator<void, void> {
    const { arena, H, V, TB, mask } = this;
    yield* this.blocks.gWy.gemm(mask ? this.dropped!.hdT : hsT, this.dLogits, this.gWy);
    columnSumsBuf(arena, this.dLogits, this.gby, TB, V);
    yield;
    yield* this.blocks.dHs.gemm(this.dLogits, this.WyT, dHs);
    if (mask) {
      const d = dHs.v;
      for (let i = 0; i < TB * H; i++) d[i] *= mask[i];
    }
  }

  /** Views first, then buffers. */
  get buffers(): Buf[] {
    const dropped = this.dropped ? [this.dropped.hd, this.dropped.hdT] : [];
    const blocks = Object.values(this.blocks).flatMap((b) => b.buffers);
    return [...blocks, this.Wy, this.by, this.gWy, this.gby, this.WyT, this.logits, this.dLogits, ...dropped];
  }
}
