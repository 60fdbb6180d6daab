// The batched LSTM forward and backward pass for truncated BPTT, written by hand over arena buffers.
//
// Shapes: B streams, T steps, H units, E embedding, V classes, L layers; rows are time-major (t*B + b).
// The matmuls go to the arena (XNNPACK in wasm); everything elementwise is a JS loop over heap views.
// Cost-saving choices (each measured, see backend.ts for the hazards):
//  - layer 0 never multiplies embeddings per position: P0 = Emb·Wx0 + b0 is a (V,4H) table and the
//    input term is a row lookup; its gradient is accumulated by token id into (V,4H) and then
//    multiplied back through two tiny matmuls (this is also the embedding gradient, by index).
//  - layers above get their input projection for all T steps from one (TB,H)·(H,4H) matmul.
//  - every transposed product uses a pre-transposed copy (WhT, WyT, WxT, EmbT) or a transposed
//    activation written while it is computed (HsT forward, dZT backward), because the stock kernel's
//    transposed path is a scalar loop. Weight gradients are computed as dWᵀ = dZᵀ·X so that XNNPACK
//    re-packs the narrow X (TB,H) rather than the wide dZ (TB,4H) on every call (measured 20 vs 33 ms).
//  - no Math.exp/Math.tanh in the time loop: σ is XNNPACK's vectorised sigmoid over a whole (B,4H)
//    block and tanh(x) = 2σ(2x) − 1 (≈1.5 ns per value instead of 25-50 ns).
//  - with the arena's SIMD kernels (kernels.wat; H a multiple of 4) the gate loops run there, one call per
//    step and layer, and the transposed activations (HsT, dZT) get each step's (B, ·) block as B columns
//    by the kernel's tiled transpose while it is hot (B = 16: a cache line per row) instead of strided writes. The JS loops below stay as the reference (test/unit/model/kernels.test.ts).
import type { Arena, Buf } from '../arena';
import type { ModelConfig } from '../config';
import { KERNEL_WIDTH, type Kernels } from './kernels';
import { inputSize, totalLength } from '../params';
import { CarriedState } from './carried';
import { GraphBase } from './graphBase';
import { softmaxCrossEntropy } from './crossEntropy';
import { addRowVector, addRowVectorBuf, columnSumsBuf, scatterAddRowsBuf, transposeBuf } from './ops';
import { ReadOut } from './readOut';
import { RowBlocks } from './rowBlocks';
import type { TrainGraph } from './trainGraph';

interface LayerBufs {
  In: number;
  Wx: Buf; // (In,4H)
  Wh: Buf; // (H,4H)
  bias: Buf; // (4H)
  gWx: Buf;
  gWh: Buf;
  gb: Buf;
  WhT: Buf; // (4H,H)
  WxT: Buf; // (4H,In)
  Hall: Buf; // ((T+1)B, H): block 0 the carried-in h, block t+1 = h_t
  Call: Buf; // ((T+1)B, H): same for c
  hPrev: Buf[]; // views: Hall block t, (B,H), the h_{t-1} of step t
  hs: Buf; // view: Hall blocks 1..T, (TB,H) — this layer's outputs
  gates: Buf; // (TB,4H) post-activation i|f|g|o
  tanhC: Buf; // (TB,H)
  gatesT: Buf[]; // views: gates block t, (B,4H)
  tanhCT: Buf[]; // views: tanhC block t, (B,H)
  hsT: Buf; // (H,TB) outputs transposed
  hPrevAll: Buf; // view: Hall blocks 0..T-1, (TB,H) — h_{t-1} for every step
  xp: Buf; // (TB,4H) input projection (layers ≥ 1)
  zr: Buf; // (B,4H) recurrent term of one step, then the full pre-activation z
  twoC: Buf; // (B,H) 2c, the sigmoid input giving tanh(c)
  dZ: Buf; // (TB,4H) pre-activation gradients
  dZT: Buf; // (4H,TB) the same, transposed
  gWT: Buf; // (4H,max(H,In)) a weight gradient before transposing
  dZt: Buf[]; // views: dZ block t, (B,4H)
  dHs: Buf; // (TB,H) gradient reaching this layer's outputs
  dhRec: Buf; // (B,H) gradient reaching h_{t-1} through Wh
  /** The layer's big products in row blocks, a yield between blocks: dWᵀ (4H,TB)·(TB,H), dX (TB,4H)·(4H,H), xp (TB,H)·(H,4H). */
  blocks: { dWT: RowBlocks; dX: RowBlocks; xp: RowBlocks };
}

export class LstmGraph extends GraphBase implements TrainGraph {
  readonly params: Buf;
  readonly grads: Buf;
  readonly layers: LayerBufs[] = [];
  private readonly emb: Buf;
  private readonly gEmb: Buf;
  private readonly embT: Buf; // (E,V)
  private readonly P0: Buf; // (V,4H)
  private readonly g0: Buf; // (V,4H) layer-0 dZ summed by input token
  private readonly out: ReadOut;
  private readonly probs: Buf; // (TB,V) σ(logit − max), turned into exp() by s/(1−s)
  protected readonly state: CarriedState; // h and c of every layer
  private readonly dcNext: Buf; // (B,H) ∂/∂c_t carried back from step t+1
  /** The SIMD gate kernels, or null: the JS loops (the reference; the plain-JS arena; H not a multiple of 4). */
  private readonly k: Kernels | null;

  /** `kernels: false` runs the JS reference loops even where the arena has SIMD kernels (tests compare them). */
  constructor(arena: Arena, cfg: ModelConfig, V: number, B: number, T: number, opts: { kernels?: boolean } = {}) {
    super(arena, cfg, V, B, T);
    const H = this.H;
    this.k = opts.kernels !== false && arena.kernels && H % KERNEL_WIDTH === 0 ? arena.kernels : null;
    const E = this.E;
    const TB = T * B;
    const P = totalLength(this.specs);
    this.params = arena.alloc(P);
    this.grads = arena.alloc(P);
    const pv = (name: string, g: boolean, tracked = false): Buf => {
      const s = this.specs.find((x) => x.name === name)!;
      const b = arena.view(g ? this.grads : this.params, s.offset, s.length);
      b.tracked = tracked;
      return b;
    };
    const tracked = (n: number): Buf => {
      const b = arena.alloc(n);
      b.tracked = true;
      return b;
    };
    this.emb = pv('embedding', false);
    this.gEmb = pv('embedding', true);
    this.embT = arena.alloc(E * V);
    this.P0 = arena.alloc(V * 4 * H);
    this.g0 = arena.alloc(V * 4 * H);
    for (let l = 0; l < this.L; l++) {
      const In = inputSize(cfg, l);
      const Hall = arena.alloc((T + 1) * B * H);
      const dZ = arena.alloc(TB * 4 * H);
      this.layers.push({
        In,
        Wx: pv(`lstm${l}.kernel`, false, true),
        Wh: pv(`lstm${l}.recurrentKernel`, false, true),
        bias: pv(`lstm${l}.bias`, false),
        gWx: pv(`lstm${l}.kernel`, true),
        gWh: pv(`lstm${l}.recurrentKernel`, true),
        gb: pv(`lstm${l}.bias`, true),
        WhT: tracked(4 * H * H),
        WxT: tracked(4 * H * In),
        Hall,
        Call: arena.alloc((T + 1) * B * H),
        hPrev: Array.from({ length: T }, (_, t) => arena.view(Hall, t * B * H, B * H)),
        hs: arena.view(Hall, B * H, TB * H),
        gates: arena.alloc(TB * 4 * H),
        tanhC: arena.alloc(TB * H),
        gatesT: [],
        tanhCT: [],
        hsT: arena.alloc(H * TB),
        hPrevAll: arena.view(Hall, 0, TB * H),
        xp: arena.alloc(l > 0 ? TB * 4 * H : 1),
        zr: arena.alloc(B * 4 * H),
        twoC: arena.alloc(B * H),
        dZ,
        dZT: arena.alloc(4 * H * TB),
        gWT: arena.alloc(4 * H * Math.max(H, In)),
        dZt: Array.from({ length: T }, (_, t) => arena.view(dZ, t * B * 4 * H, B * 4 * H)),
        dHs: arena.alloc(TB * H),
        dhRec: arena.alloc(B * H),
        blocks: {
          dWT: new RowBlocks(arena, 4 * H, TB, H),
          dX: new RowBlocks(arena, TB, 4 * H, H),
          xp: new RowBlocks(arena, TB, H, 4 * H),
        },
      });
      const ly = this.layers[l];
      for (let t = 0; t < T; t++) {
        ly.gatesT.push(arena.view(ly.gates, t * B * 4 * H, B * 4 * H));
        ly.tanhCT.push(arena.view(ly.tanhC, t * B * H, B * H));
      }
    }
    this.out = new ReadOut(arena, H, V, TB, pv, (n, t = false) => (t ? tracked(n) : arena.alloc(n)));
    this.probs = arena.alloc(TB * V);
    this.dcNext = arena.alloc(B * H);
    this.state = new CarriedState(
      this.layers.flatMap((ly) => [ly.Hall, ly.Call]),
      B * H,
      T,
    );
  }

  /** Call after any change to params: re-packs the matmul operands and rebuilds the transposes. */
  weightsChanged(): void {
    const { arena, H, V, E } = this;
    arena.refresh();
    for (const ly of this.layers) {
      transposeBuf(arena, ly.Wh, ly.WhT, H, 4 * H);
      transposeBuf(arena, ly.Wx, ly.WxT, ly.In, 4 * H);
      for (const b of [ly.Wx, ly.Wh, ly.WhT, ly.WxT]) arena.touch(b);
    }
    this.out.weightsChanged();
    transposeBuf(arena, this.emb, this.embT, V, E);
  }

  /**
   * Forward pass over this.inputs/targets; returns the mean cross-entropy (nats). With `backward`, also
   * fills this.grads. A generator: it yields between time steps so a caller can answer messages.
   */
  *run(backward: boolean): Generator<void, number> {
    const { arena, H, V, T, B, E } = this;
    const TB = T * B;
    // P0 = Emb·Wx0 + b0: (V,E)·(E,4H) → (V,4H)
    arena.gemm(this.emb, this.layers[0].Wx, this.P0, V, E, 4 * H);
    addRowVector(this.P0.v, this.layers[0].bias.v, V, 4 * H);
    for (let l = 0; l < this.L; l++) {
      const ly = this.layers[l];
      if (l > 0) {
        yield* ly.blocks.xp.gemm(this.layers[l - 1].hs, ly.Wx, ly.xp); // (TB,H)·(H,4H)
        if (this.k) addRowVectorBuf(arena, ly.xp, ly.bias, TB, 4 * H); // the bias once, not per step
      }
      yield* this.forwardLayer(l);
    }
    const top = this.layers[this.L - 1];
    // logits = Hs·Wy + by: (TB,H)·(H,V)
    yield* this.out.forward(top.hs, backward ? (this.dropout?.mask ?? null) : null); // dropout: training only
    yield;
    const loss = this.softmaxCrossEntropy(backward);
    if (!backward) return loss;
    yield;
    yield* this.out.backward(top.hsT, top.dHs);
    for (let l = this.L - 1; l >= 0; l--) {
      const ly = this.layers[l];
      yield* this.backwardLayer(l);
      // dWhᵀ = dZᵀ·Hprev (4H,TB)(TB,H); db = Σ rows dZ
      yield* ly.blocks.dWT.gemm(ly.dZT, ly.hPrevAll, ly.gWT);
      transposeBuf(arena, ly.gWT, ly.gWh, 4 * H, H);
      if (l > 0) {
        columnSumsBuf(arena, ly.dZ, ly.gb, TB, 4 * H);
        const below = this.layers[l - 1];
        yield;
        yield* ly.blocks.dWT.gemm(ly.dZT, below.hs, ly.gWT); // dWxᵀ = dZᵀ·X
        transposeBuf(arena, ly.gWT, ly.gWx, 4 * H, H);
        yield;
        yield* ly.blocks.dX.gemm(ly.dZ, ly.WxT, below.dHs); // dX = dZ·WxT
      } else {
        // Layer 0: accumulate dZ rows by input token → G0 (V,4H); then dWx0 = EmbT·G0, dEmb = G0·Wx0T.
        yield;
        const H4 = 4 * H;
        this.g0.v.fill(0);
        scatterAddRowsBuf(arena, ly.dZ, this.inputs, this.g0, H4);
        columnSumsBuf(arena, this.g0, ly.gb, V, H4);
        arena.gemm(this.embT, this.g0, ly.gWx, E, V, H4);
        arena.gemm(this.g0, ly.WxT, this.gEmb, V, H4, E);
      }
      yield;
    }
    return loss;
  }

  /** One time step of one layer: z = x-term + h_{t-1}·Wh, then the gate equations for all B streams. */
  protected forwardStep(l: number, t: number): void {
    const { arena, H, B, T } = this;
    const TB = T * B;
    const H4 = 4 * H;
    const ly = this.layers[l];
    arena.gemm(ly.hPrev[t], ly.Wh, ly.zr, B, H, H4); // (B,H)·(H,4H) recurrent term
    if (this.k) return this.forwardStepSimd(l, t);
    // z = h_{t-1}·Wh + x-term (+ b); the g block is doubled so one sigmoid gives tanh as 2σ(2z) − 1.
    const z = ly.zr.v;
    const X = l === 0 ? this.P0.v : ly.xp.v;
    const bias = ly.bias.v;
    const withBias = l > 0;
    for (let b = 0; b < B; b++) {
      const row = t * B + b;
      const x0 = l === 0 ? this.inputs[row] * H4 : row * H4; // this row's input projection
      const z0 = b * H4;
      for (let j = 0; j < H4; j++) z[z0 + j] += X[x0 + j] + (withBias ? bias[j] : 0);
      for (let k = 2 * H; k < 3 * H; k++) z[z0 + k] *= 2;
    }
    arena.sigmoid(ly.zr, ly.gatesT[t]); // (B,4H): σ(z_i) σ(z_f) σ(2z_g) σ(z_o)
    const gates = ly.gates.v;
    const cAll = ly.Call.v;
    const twoC = ly.twoC.v;
    for (let b = 0; b < B; b++) {
      const row = t * B + b;
      const g0 = row * H4;
      const cPrev = row * H; // block t, stream b, of Call (c_{t-1})
      const cNew = row * H + B * H; // block t+1 (c_t)
      for (let k = 0; k < H; k++) {
        const i = gates[g0 + k]; // (B,H) input gate
        const f = gates[g0 + H + k]; // (B,H) forget gate
        const g = 2 * gates[g0 + 2 * H + k] - 1; // (B,H) candidate, tanh(z_g)
        gates[g0 + 2 * H + k] = g;
        const c = f * cAll[cPrev + k] + i * g; // (B,H) c_t = f*c_{t-1} + i*g
        cAll[cNew + k] = c;
        twoC[b * H + k] = 2 * c;
      }
    }
    arena.sigmoid(ly.twoC, ly.tanhCT[t]); // σ(2c)
    const tanhC = ly.tanhC.v;
    const hAll = ly.Hall.v;
    const hsT = ly.hsT.v;
    for (let b = 0; b < B; b++) {
      const row = t * B + b;
      const o0 = row * H4 + 3 * H;
      for (let k = 0; k < H; k++) {
        const tc = 2 * tanhC[row * H + k] - 1; // tanh(c_t)
        tanhC[row * H + k] = tc;
        const h = gates[o0 + k] * tc; // (B,H) h_t = o*tanh(c_t)
        hAll[(row + B) * H + k] = h;
        hsT[k * TB + row] = h;
      }
    }
  }

  /** forwardStep's gate equations in the SIMD kernels, after the recurrent matmul (same order, f32 throughout). */
  private forwardStepSimd(l: number, t: number): void {
    const { arena, H, B } = this;
    const k = this.k!;
    const ly = this.layers[l];
    const H4 = 4 * H;
    const z = ly.zr.ptr;
    // z = h_{t-1}·Wh + x-term (the bias is in P0 and xp), g block doubled
    if (l === 0)
      for (let b = 0; b < B; b++) k.lstmZ(z + b * H4 * 4, this.P0.ptr + this.inputs[t * B + b] * H4 * 4, 1, H);
    else k.lstmZ(z, ly.xp.ptr + t * B * H4 * 4, B, H);
    arena.sigmoid(ly.zr, ly.gatesT[t]); // (B,4H): σ(z_i) σ(z_f) σ(2z_g) σ(z_o)
    const cPrev = ly.Call.ptr + t * B * H * 4; // block t: c_{t-1}
    k.lstmCell(ly.gatesT[t].ptr, cPrev, cPrev + B * H * 4, ly.twoC.ptr, B, H); // g = tanh z_g, c_t = f*c_{t-1} + i*g
    arena.sigmoid(ly.twoC, ly.tanhCT[t]); // σ(2c)
    const h = ly.Hall.ptr + (t + 1) * B * H * 4;
    k.lstmOut(ly.gatesT[t].ptr, ly.tanhCT[t].ptr, h, B, H); // h_t = o*tanh(c_t)
    if (l === this.L - 1) k.transpose(h, ly.hsT.ptr + t * B * 4, B, H, this.T * B); // hsT[:, tB..tB+B) for dWy
  }

  /** Backward through one step of one layer: dZ[t] from dh (from above and from step t+1) and dc. */
  protected backwardStep(l: number, t: number): void {
    const { arena, H, B, T } = this;
    const H4 = 4 * H;
    const ly = this.layers[l];
    const dHs = ly.dHs.v;
    const dhRec = ly.dhRec.v;
    const hasRec = t < T - 1 ? 1 : 0;
    const gates = ly.gates.v;
    const tanhC = ly.tanhC.v;
    const cAll = ly.Call.v;
    const dZ = ly.dZ.v;
    const dZT = ly.dZT.v;
    const TB = T * B;
    const dcNext = this.dcNext.v;
    if (t === T - 1) dcNext.fill(0);
    const k = this.k;
    if (k) {
      // ∂/∂z for all B streams and dc·f into dcNext in one kernel call, then this step's columns of dZT
      const row0 = t * B * H * 4;
      const [dH, dR, G, TC] = [ly.dHs.ptr + row0, ly.dhRec.ptr, ly.gatesT[t].ptr, ly.tanhCT[t].ptr];
      k.lstmBack(dH, dR, hasRec, G, TC, ly.Call.ptr + row0, ly.dZt[t].ptr, this.dcNext.ptr, B, H);
      k.transpose(ly.dZt[t].ptr, ly.dZT.ptr + t * B * 4, B, H4, TB); // dZT[:, tB..tB+B)
    } else
      for (let b = 0; b < B; b++) {
        const row = t * B + b;
        const g0 = row * H4;
        for (let k = 0; k < H; k++) {
          const dh = dHs[row * H + k] + hasRec * dhRec[b * H + k]; // (B,H) from the read-out/layer above + from t+1
          const i = gates[g0 + k];
          const f = gates[g0 + H + k];
          const g = gates[g0 + 2 * H + k];
          const o = gates[g0 + 3 * H + k];
          const tc = tanhC[row * H + k];
          const cPrev = cAll[row * H + k];
          const dc = dcNext[b * H + k] + dh * o * (1 - tc * tc); // (B,H) ∂/∂c_t
          const dzi = dc * g * i * (1 - i); // ∂/∂z_i
          const dzf = dc * cPrev * f * (1 - f); // ∂/∂z_f
          const dzg = dc * i * (1 - g * g); // ∂/∂z_g
          const dzo = dh * tc * o * (1 - o); // ∂/∂z_o
          dZ[g0 + k] = dzi;
          dZ[g0 + H + k] = dzf;
          dZ[g0 + 2 * H + k] = dzg;
          dZ[g0 + 3 * H + k] = dzo;
          dZT[k * TB + row] = dzi;
          dZT[(H + k) * TB + row] = dzf;
          dZT[(2 * H + k) * TB + row] = dzg;
          dZT[(3 * H + k) * TB + row] = dzo;
          dcNext[b * H + k] = dc * f; // ∂/∂c_{t-1}
        }
      }
    if (t > 0) arena.gemm(ly.dZt[t], ly.WhT, ly.dhRec, B, H4, H); // dh_{t-1} = dZ_t·WhT (B,4H)(4H,H)
  }

  /** Mean cross-entropy over the logits (crossEntropy.ts); with `grad`, also dLogits. */
  private softmaxCrossEntropy(grad: boolean): number {
    return softmaxCrossEntropy(this.arena, this.out, this.probs, this.targets, this.T * this.B, this.V, grad);
  }

  /** The carried-in hidden state of a layer (block 0), for tests. */
  carried(l: number): { h: Float32Array; c: Float32Array } {
    const n = this.B * this.H;
    return { h: this.layers[l].Hall.v.subarray(0, n), c: this.layers[l].Call.v.subarray(0, n) };
  }

  /** h_t of the top layer for all steps, (TB,H) time-major, for tests. */
  outputs(l = this.L - 1): Float32Array {
    return this.layers[l].hs.v;
  }

  dispose(): void {
    const seen = new Set<Buf>();
    const free = (b: Buf) => {
      if (!seen.has(b)) {
        seen.add(b);
        this.arena.free(b);
      }
    };
    for (const ly of this.layers) {
      for (const b of Object.values(ly.blocks).flatMap((x) => x.buffers)) free(b);
      for (const b of [...ly.hPrev, ...ly.dZt, ...ly.gatesT, ...ly.tanhCT, ly.hs, ly.hPrevAll]) free(b);
      for (const b of [ly.Wx, ly.Wh, ly.bias, ly.gWx, ly.gWh, ly.gb]) free(b);
      for (const b of [ly.WhT, ly.WxT, ly.Hall, ly.Call, ly.gates, ly.tanhC, ly.hsT, ly.xp, ly.zr, ly.twoC]) free(b);
      for (const b of [ly.dZ, ly.dZT, ly.gWT, ly.dHs, ly.dhRec]) free(b);
    }
    for (const b of [this.emb, this.gEmb, ...this.out.buffers]) free(b);
    for (const b of [this.embT, this.P0, this.g0, this.probs, this.dcNext, this.params, this.grads]) free(b);
  }
}
