// The batched forward and backward pass (truncated BPTT) for the GRU and the vanilla RNN, over arena
// buffers, behind the TrainGraph surface the Trainer drives (the LSTM has its own, lstmGraph.ts). Equations
// in cells/cell.ts. Matmuls go to the arena (XNNPACK in wasm), elementwise math is JS loops or SIMD kernels.
// The LSTM graph's cost-saving choices, where they apply: layer 0's input term is a row of P0 = Emb·Wx0 (V, GH)
// by token id, its gradient summed by token id (no per-position product); σ is XNNPACK's vectorised sigmoid
// over a (B, ·) block and tanh(x) = 2σ(2x) − 1 (no Math.exp/Math.tanh in the time loop); the softmax is the
// shared one (crossEntropy.ts); weight gradients are dWᵀ = dUᵀ·X from a transposed dU written while it is computed, so
// XNNPACK packs the narrow X rather than the wide dU, and no activation is transposed after the fact.
// With the arena's SIMD kernels (kernels.wat; H a multiple of 4) the gate loops run there, a few calls per step
// and layer, the bias is folded into the input projection once per layer, and each step's h and dU go into
// their transposed copies as B columns by the kernel's tiled transpose; the JS loops below stay the reference
// (test/unit/model/kernels.test.ts compares the two).
//
// Rows are time-major (t·B + b). Rule for wasm: a gemm may grow the heap (XNNPACK packing), after which
// every `.v` view is rebuilt, so views are re-read (`views(ly)`) after each gemm, never cached across one.
import type { Arena, Buf } from '../arena';
import { gateCount, type CellType } from '../cells/cell';
import type { ModelConfig } from '../config';
import { cellOf } from '../config';
import { inputSize, totalLength } from '../params';
import { CarriedState } from './carried';
import { GraphBase } from './graphBase';
import { softmaxCrossEntropy } from './crossEntropy';
import { KERNEL_WIDTH, type Kernels } from './kernels';
import { addRowVectorBuf, columnSumsBuf, gatherRows, scatterAddRowsBuf, transposeBuf } from './ops';
import { ReadOut } from './readOut';
import { RowBlocks } from './rowBlocks';
import type { TrainGraph } from './trainGraph';

interface Layer {
  In: number;
  Wx: Buf; // view (In, GH)
  Wh: Buf; // view (H, GH)
  bias: Buf; // view (GH)
  gWx: Buf;
  gWh: Buf;
  gb: Buf;
  Rzr: Buf; // gru: (H, 2H) copy of Wh's z|r columns
  Rn: Buf; // gru: (H, H) copy of Wh's n columns
  RzrT: Buf; // gru: (2H, H)
  RnT: Buf; // (H, H): gru Rnᵀ, rnn Whᵀ
  WxT: Buf; // (GH, In)
  xp: Buf; // (TB, GH) the input term: layer 0 P0's rows by token, above X·Wx with X the layer below's hs
  Hall: Buf; // ((T+1)B, H): block 0 the carried-in h, block t+1 = h_t
  hPrev: Buf[]; // views: Hall block t (B, H), t = 0..T (block t+1 is step t's h_t)
  hs: Buf; // view: Hall blocks 1..T (TB, H)
  hPrevAll: Buf; // view: Hall blocks 0..T−1 (TB, H), h_{t−1} of every step
  act: Buf; // (TB, GH) gru z|r|n, rnn h (JS loops only)
  zr: Buf[]; // gru, kernels: views of a (TB, 2H) buffer, step t's σ(z pre) | σ(r pre) (B, 2H)
  n: Buf[]; // gru, kernels: views of a (TB, H) buffer, step t's candidate n (B, H)
  q: Buf; // gru (TB, H) r⊙h_{t−1}
  qT: Buf[]; // gru: views, q block t (B, H)
  qStep: Buf; // (B, H) the current step's r⊙h (gemm operand)
  rec: Buf; // (B, 2H | H) recurrent product of one step
  recN: Buf; // gru (B, H) (r⊙h)·Rn
  pre: Buf; // (B, 2H | H) sigmoid input: gru z|r pre-activations, rnn 2u (tanh u = 2σ(2u) − 1)
  sig: Buf; // (B, 2H | H) its sigmoid
  preN: Buf; // gru (B, H) 2·(n pre-activation)
  sigN: Buf; // gru (B, H) its sigmoid
  dHs: Buf; // (TB, H) gradient reaching this layer's outputs
  dU: Buf; // (TB, GH) pre-activation gradients
  dUt: Buf[]; // views: dU block t (B, GH)
  dUT: Buf; // (GH, TB) the same, transposed (written as computed)
  dUTzr: Buf; // gru view: dUT rows 0..2H, (2H, TB)
  dUTn: Buf; // gru view: dUT rows 2H..3H, (H, TB)
  dUzr: Buf; // (B, 2H) gru: this step's z|r gradients (gemm operand)
  dUn: Buf; // (B, H) gru n gradients / rnn u gradients of this step
  dq: Buf; // (B, H) gru ∂/∂(r⊙h)
  dhRec: Buf; // (B, H) gradient reaching h_{t−1} through the recurrence
  gWT: Buf; // (GH, max(H, In)) a weight gradient, transposed, before it goes to its place
  /** The big products in row blocks, a yield between blocks (rowBlocks.ts): dWhᵀ and, above layer 0, xp, dWxᵀ, dX. */
  blocks: { xp: RowBlocks; dWxT: RowBlocks; dWhT: RowBlocks; dWhTn: RowBlocks; dX: RowBlocks };
}

/** The heap views one step reads, fresh: call after every gemm (it may move the heap). */
function views(ly: Layer) {
  return {
    xp: ly.xp.v,
    bias: ly.bias.v,
    act: ly.act.v,
    hAll: ly.Hall.v,
    rec: ly.rec.v,
    recN: ly.recN.v,
    pre: ly.pre.v,
    sig: ly.sig.v,
    preN: ly.preN.v,
    sigN: ly.sigN.v,
    q: ly.q.v,
    qStep: ly.qStep.v,
    dHs: ly.dHs.v,
    dhRec: ly.dhRec.v,
    dU: ly.dU.v,
    dUT: ly.dUT.v,
    dUn: ly.dUn.v,
    dUzr: ly.dUzr.v,
    dq: ly.dq.v,
  };
}

export class GruRnnGraph extends GraphBase implements TrainGraph {
  readonly cell: CellType;
  readonly G: number;
  readonly params: Buf;
  readonly grads: Buf;
  readonly layers: Layer[] = [];
  private readonly emb: Buf;
  private readonly gEmb: Buf;
  private readonly embT: Buf; // (E, V)
  private readonly P0: Buf; // (V, GH) Emb·Wx0 (+ b0 with the kernels): layer 0's input term is a row of it
  private readonly g0: Buf; // (V, GH) layer 0's dU summed by input token
  private readonly out: ReadOut;
  private readonly hsT: Buf; // (H, TB) top layer outputs transposed (written as computed)
  private readonly probs: Buf; // (TB, V) softmax scratch
  protected readonly state: CarriedState; // h of every layer
  private readonly owned: Buf[] = [];
  /** The SIMD gate kernels, or null: the JS loops (the reference; the plain-JS arena; H not a multiple of 4). */
  private readonly k: Kernels | null;

  /** `kernels: false` runs the JS reference loops even where the arena has SIMD kernels (tests compare them). */
  constructor(arena: Arena, cfg: ModelConfig, V: number, B: number, T: number, opts: { kernels?: boolean } = {}) {
    super(arena, cfg, V, B, T);
    this.cell = cellOf(cfg);
    if (this.cell === 'lstm') throw new Error('GruRnnGraph is for gru and rnn; the LSTM trains on LstmGraph');
    const G = (this.G = gateCount(this.cell));
    const H = this.H;
    const k = (this.k = opts.kernels !== false && arena.kernels && H % KERNEL_WIDTH === 0 ? arena.kernels : null);
    const GH = G * H;
    const TB = T * B;
    const P = totalLength(this.specs);
    const own = (b: Buf, tracked = false) => {
      b.tracked = tracked;
      this.owned.push(b);
      return b;
    };
    const alloc = (n: number, tracked = false) => own(arena.alloc(Math.max(1, n)), tracked);
    this.params = alloc(P);
    this.grads = alloc(P);
    const pv = (name: string, g: boolean, tracked = false) => {
      const s = this.specs.find((x) => x.name === name)!;
      return own(arena.view(g ? this.grads : this.params, s.offset, s.length), tracked);
    };
    this.emb = pv('embedding', false);
    this.gEmb = pv('embedding', true);
    this.embT = alloc(this.E * V);
    this.P0 = alloc(V * GH);
    this.g0 = alloc(V * GH);
    const gru = this.cell === 'gru';
    for (let l = 0; l < this.L; l++) {
      const In = inputSize(cfg, l);
      const p = `${this.cell}${l}`;
      const Hall = alloc((T + 1) * B * H);
      const dUT = alloc(GH * TB);
      const dU = alloc(TB * GH);
      const q = alloc(gru ? TB * H : 1);
      const zrAll = alloc(gru && k ? TB * 2 * H : 1);
      const nAll = alloc(gru && k ? TB * H : 1);
      const steps = (parent: Buf, n: number) =>
        gru && k ? Array.from({ length: T }, (_, t) => own(arena.view(parent, t * n, n))) : [];
      this.layers.push({
        In,
        Wx: pv(`${p}.kernel`, false, true),
        Wh: pv(`${p}.recurrentKernel`, false, true),
        bias: pv(`${p}.bias`, false),
        gWx: pv(`${p}.kernel`, true),
        gWh: pv(`${p}.recurrentKernel`, true),
        gb: pv(`${p}.bias`, true),
        Rzr: alloc(gru ? 2 * H * H : 1, true),
        Rn: alloc(gru ? H * H : 1, true),
        RzrT: alloc(gru ? 2 * H * H : 1, true),
        RnT: alloc(H * H, true),
        WxT: alloc(GH * In, true),
        xp: alloc(TB * GH),
        Hall,
        hPrev: Array.from({ length: T + 1 }, (_, t) => own(arena.view(Hall, t * B * H, B * H))),
        hs: own(arena.view(Hall, B * H, TB * H)),
        hPrevAll: own(arena.view(Hall, 0, TB * H)),
        act: alloc(k ? 1 : TB * GH),
        zr: steps(zrAll, B * 2 * H),
        n: steps(nAll, B * H),
        q,
        qT: gru ? Array.from({ length: T }, (_, t) => own(arena.view(q, t * B * H, B * H))) : [],
        qStep: alloc(B * H),
        rec: alloc(B * (gru ? 2 * H : H)),
        recN: alloc(B * H),
        pre: alloc(B * (gru ? 2 * H : H)),
        sig: alloc(B * (gru ? 2 * H : H)),
        preN: alloc(gru ? B * H : 1),
        sigN: alloc(gru ? B * H : 1),
        dHs: alloc(TB * H),
        dU,
        dUt: Array.from({ length: T }, (_, t) => own(arena.view(dU, t * B * GH, B * GH))),
        dUT,
        dUTzr: own(arena.view(dUT, 0, gru ? 2 * H * TB : H * TB)),
        dUTn: own(arena.view(dUT, gru ? 2 * H * TB : 0, H * TB)),
        dUzr: alloc(gru ? B * 2 * H : 1),
        dUn: alloc(B * H),
        dq: alloc(B * H),
        dhRec: alloc(B * H),
        gWT: alloc(GH * Math.max(H, In)),
        blocks: {
          xp: new RowBlocks(arena, TB, In, GH),
          dWxT: new RowBlocks(arena, GH, TB, In),
          dWhT: new RowBlocks(arena, gru ? 2 * H : H, TB, H),
          dWhTn: new RowBlocks(arena, H, TB, H),
          dX: new RowBlocks(arena, TB, GH, In),
        },
      });
    }
    this.out = new ReadOut(arena, H, V, TB, pv, alloc);
    this.hsT = alloc(H * TB);
    this.probs = alloc(TB * V);
    this.state = new CarriedState(
      this.layers.map((ly) => ly.Hall),
      B * H,
      T,
    );
  }

  /** Re-derives the packed copies and transposes of the weights, and marks them changed. */
  weightsChanged(): void {
    const { arena, H, G } = this;
    const GH = G * H;
    arena.refresh();
    for (const ly of this.layers) {
      const Wh = ly.Wh.v;
      if (this.cell === 'gru') {
        const zr = ly.Rzr.v;
        const n = ly.Rn.v;
        for (let k = 0; k < H; k++) {
          zr.set(Wh.subarray(k * GH, k * GH + 2 * H), k * 2 * H);
          n.set(Wh.subarray(k * GH + 2 * H, (k + 1) * GH), k * H);
        }
        transposeBuf(arena, ly.Rzr, ly.RzrT, H, 2 * H);
        transposeBuf(arena, ly.Rn, ly.RnT, H, H);
      } else transposeBuf(arena, ly.Wh, ly.RnT, H, H);
      transposeBuf(arena, ly.Wx, ly.WxT, ly.In, GH);
      for (const b of [ly.Wx, ly.Wh, ly.Rzr, ly.Rn, ly.RzrT, ly.RnT, ly.WxT]) arena.touch(b);
    }
    this.out.weightsChanged();
    transposeBuf(arena, this.emb, this.embT, this.V, this.E);
  }

  /** Mean cross-entropy (nats) over rows with a target ≥ 0; with `backward`, fills this.grads. */
  *run(backward: boolean): Generator<void, number> {
    const { arena, H, T, B, E, G, V } = this;
    const GH = G * H;
    const TB = T * B;
    for (let l = 0; l < this.L; l++) {
      const ly = this.layers[l];
      // The input term. Layer 0: P0 = Emb·Wx0 (V,E)(E,GH), a row per position by token id (no per-position
      // product); above: (TB,H)·(H,GH) from the layer below's outputs. With the kernels the bias goes in
      // here, once, not per step.
      if (l === 0) {
        arena.gemm(this.emb, ly.Wx, this.P0, V, E, GH);
        if (this.k) addRowVectorBuf(arena, this.P0, ly.bias, V, GH);
        gatherRows(this.P0.v, this.inputs, ly.xp.v, GH);
      } else {
        yield* ly.blocks.xp.gemm(this.layers[l - 1].hs, ly.Wx, ly.xp);
        if (this.k) addRowVectorBuf(arena, ly.xp, ly.bias, TB, GH);
      }
      yield* this.forwardLayer(l);
    }
    const top = this.layers[this.L - 1];
    yield* this.out.forward(top.hs, backward ? (this.dropout?.mask ?? null) : null); // dropout: training only
    yield;
    const loss = this.softmaxCrossEntropy(backward);
    if (!backward) return loss;
    yield;
    yield* this.out.backward(this.hsT, top.dHs);
    for (let l = this.L - 1; l >= 0; l--) {
      const ly = this.layers[l];
      yield* this.backwardLayer(l);
      // Weight gradients, transposed: dWhᵀ = dUᵀ·h_{t−1} (gru: the z|r rows; the n rows from (r⊙h)), each
      // then put in place; dWx and db below.
      if (this.cell === 'rnn') {
        yield;
        yield* ly.blocks.dWhT.gemm(ly.dUT, ly.hPrevAll, ly.gWT);
        transposeBuf(arena, ly.gWT, ly.gWh, H, H);
      } else {
        yield;
        yield* ly.blocks.dWhT.gemm(ly.dUTzr, ly.hPrevAll, ly.gWT); // (2H,TB)(TB,H)
        this.placeTransposed(ly.gWT, ly.gWh, 2 * H, H, 0);
        yield;
        yield* ly.blocks.dWhTn.gemm(ly.dUTn, ly.q, ly.gWT); // (H,TB)(TB,H)
        this.placeTransposed(ly.gWT, ly.gWh, H, H, 2 * H);
      }
      yield;
      if (l > 0) {
        // dWxᵀ = dUᵀ·X (GH,TB)(TB,H), db = Σ dU; dX = dU·Wxᵀ straight into the layer below's output gradient.
        const below = this.layers[l - 1];
        columnSumsBuf(arena, ly.dU, ly.gb, TB, GH);
        yield* ly.blocks.dWxT.gemm(ly.dUT, below.hs, ly.gWT);
        transposeBuf(arena, ly.gWT, ly.gWx, GH, ly.In);
        yield;
        yield* ly.blocks.dX.gemm(ly.dU, ly.WxT, below.dHs);
      } else {
        // Layer 0: dU rows summed by input token → g0 (V,GH); then db = Σ g0, dWx0 = Embᵀ·g0, dEmb = g0·Wx0ᵀ.
        this.g0.v.fill(0);
        scatterAddRowsBuf(arena, ly.dU, this.inputs, this.g0, GH);
        columnSumsBuf(arena, this.g0, ly.gb, V, GH);
        arena.gemm(this.embT, this.g0, ly.gWx, E, V, GH);
        arena.gemm(this.g0, ly.WxT, this.gEmb, V, GH, E);
      }
      yield;
    }
    return loss;
  }

  protected forwardStep(l: number, t: number): void {
    const { arena, H, B, G, T } = this;
    const GH = G * H;
    const TB = T * B;
    const ly = this.layers[l];
    const row0 = t * B;
    const top = l === this.L - 1;
    if (this.k) return this.forwardStepSimd(l, t);
    if (this.cell === 'rnn') {
      arena.gemm(ly.hPrev[t], ly.Wh, ly.rec, B, H, H); // (B,H)·(H,H) recurrent term
      {
        const { rec, xp, bias: b, pre } = views(ly);
        for (let s = 0; s < B; s++)
          for (let k = 0; k < H; k++) pre[s * H + k] = 2 * (xp[(row0 + s) * H + k] + b[k] + rec[s * H + k]); // 2u
      }
      arena.sigmoid(ly.pre, ly.sig);
      const { sig, act, hAll } = views(ly);
      const hsT = this.hsT.v;
      for (let s = 0; s < B; s++) {
        const row = row0 + s;
        for (let k = 0; k < H; k++) {
          const h = 2 * sig[s * H + k] - 1; // (B,H) h_t = tanh(u)
          act[row * H + k] = h;
          hAll[(row + B) * H + k] = h;
          if (top) hsT[k * TB + row] = h;
        }
      }
      return;
    }
    arena.gemm(ly.hPrev[t], ly.Rzr, ly.rec, B, H, 2 * H); // h·[Rz | Rr]
    {
      const { rec, xp, bias: b, pre } = views(ly);
      for (let s = 0; s < B; s++)
        for (let j = 0; j < 2 * H; j++) pre[s * 2 * H + j] = xp[(row0 + s) * GH + j] + b[j] + rec[s * 2 * H + j];
    }
    arena.sigmoid(ly.pre, ly.sig); // (B,2H): z | r
    {
      const { sig, act, hAll, q, qStep: qs } = views(ly);
      for (let s = 0; s < B; s++) {
        const row = row0 + s;
        for (let j = 0; j < 2 * H; j++) act[row * GH + j] = sig[s * 2 * H + j];
        for (let k = 0; k < H; k++) {
          const qk = sig[s * 2 * H + H + k] * hAll[row * H + k]; // r ⊙ h_{t−1}
          q[row * H + k] = qk;
          qs[s * H + k] = qk;
        }
      }
    }
    arena.gemm(ly.qStep, ly.Rn, ly.recN, B, H, H); // (r⊙h)·Rn
    {
      const { recN, xp, bias: b, preN } = views(ly);
      for (let s = 0; s < B; s++)
        for (let k = 0; k < H; k++)
          preN[s * H + k] = 2 * (xp[(row0 + s) * GH + 2 * H + k] + b[2 * H + k] + recN[s * H + k]);
    }
    arena.sigmoid(ly.preN, ly.sigN);
    const { sigN, act, hAll } = views(ly);
    const hsT = this.hsT.v;
    for (let s = 0; s < B; s++) {
      const row = row0 + s;
      for (let k = 0; k < H; k++) {
        const n = 2 * sigN[s * H + k] - 1; // (B,H) candidate n = tanh(·)
        act[row * GH + 2 * H + k] = n;
        const z = act[row * GH + k]; // (B,H) update gate
        const h = z * hAll[row * H + k] + (1 - z) * n; // h_t = z⊙h_{t−1} + (1−z)⊙n
        hAll[(row + B) * H + k] = h;
        if (top) hsT[k * TB + row] = h;
      }
    }
  }

  protected backwardStep(l: number, t: number): void {
    const { arena, H, B, G, T } = this;
    const GH = G * H;
    const TB = T * B;
    const ly = this.layers[l];
    const row0 = t * B;
    const hasRec = t < T - 1 ? 1 : 0;
    if (this.k) return this.backwardStepSimd(l, t, hasRec);
    if (this.cell === 'rnn') {
      const { dHs, dhRec, act, dU, dUT, dUn: du } = views(ly);
      for (let s = 0; s < B; s++) {
        const row = row0 + s;
        for (let k = 0; k < H; k++) {
          const dh = dHs[row * H + k] + hasRec * dhRec[s * H + k];
          const h = act[row * H + k];
          const g = dh * (1 - h * h);
          dU[row * H + k] = g;
          dUT[k * TB + row] = g;
          du[s * H + k] = g;
        }
      }
      if (t > 0) arena.gemm(ly.dUn, ly.RnT, ly.dhRec, B, H, H); // dh_{t−1} = du·Whᵀ
      return;
    }
    // GRU. dh = from above + from t+1; dz = dh(h_{t−1} − n), dn = dh(1 − z); then dq = du_n·Rnᵀ.
    {
      const { dHs, dhRec, act, hAll, dU, dUT, dUn, dq } = views(ly); // dq holds dh until the gemm below overwrites it
      for (let s = 0; s < B; s++) {
        const row = row0 + s;
        for (let k = 0; k < H; k++) {
          const dh = dHs[row * H + k] + hasRec * dhRec[s * H + k];
          const z = act[row * GH + k];
          const n = act[row * GH + 2 * H + k];
          const hp = hAll[row * H + k];
          const duz = dh * (hp - n) * z * (1 - z); // ∂/∂(z pre-activation)
          dU[row * GH + k] = duz;
          dUT[k * TB + row] = duz;
          const dun = dh * (1 - z) * (1 - n * n); // ∂/∂(n pre-activation)
          dU[row * GH + 2 * H + k] = dun;
          dUT[(2 * H + k) * TB + row] = dun;
          dUn[s * H + k] = dun;
          dq[s * H + k] = dh; // saved dh
        }
      }
    }
    // Keep dh·z (direct path) in dhRec before it is reused.
    {
      const { dhRec, dq, act } = views(ly);
      for (let s = 0; s < B; s++)
        for (let k = 0; k < H; k++) dhRec[s * H + k] = dq[s * H + k] * act[(row0 + s) * GH + k];
    }
    arena.gemm(ly.dUn, ly.RnT, ly.dq, B, H, H); // dq = du_n·Rnᵀ
    {
      const { dq, act, hAll, dU, dUT, dUzr, dhRec } = views(ly);
      for (let s = 0; s < B; s++) {
        const row = row0 + s;
        for (let k = 0; k < H; k++) {
          const r = act[row * GH + H + k];
          const hp = hAll[row * H + k];
          const dur = dq[s * H + k] * hp * r * (1 - r); // ∂/∂(r pre-activation)
          dU[row * GH + H + k] = dur;
          dUT[(H + k) * TB + row] = dur;
          dhRec[s * H + k] += dq[s * H + k] * r;
          dUzr[s * 2 * H + k] = dU[row * GH + k];
          dUzr[s * 2 * H + H + k] = dur;
        }
      }
    }
    if (t > 0) {
      arena.gemm(ly.dUzr, ly.RzrT, ly.rec, B, 2 * H, H); // [du_z | du_r]·[Rz | Rr]ᵀ → (B,H) in rec
      const { rec, dhRec } = views(ly);
      for (let j = 0; j < B * H; j++) dhRec[j] += rec[j];
    }
  }

  /** forwardStep in the SIMD kernels (same equations, f32 throughout; the bias is already in xp). */
  private forwardStepSimd(l: number, t: number): void {
    const { arena, H, B, G, T } = this;
    const k = this.k!;
    const GH = G * H;
    const ly = this.layers[l];
    const x = ly.xp.ptr + t * B * GH * 4; // this step's rows of x·Wx + b
    const [hPrev, h] = [ly.hPrev[t], ly.hPrev[t + 1]];
    if (this.cell === 'rnn') {
      arena.gemm(hPrev, ly.Wh, ly.rec, B, H, H); // (B,H)·(H,H) recurrent term
      k.gatePre(ly.rec.ptr, x, B, H, H, 2); // 2u = 2(h_{t−1}·Wh + x·Wx + b)
      arena.sigmoid(ly.rec, h); // σ(2u)
      k.tanhOfSig(h.ptr, B * H); // (B,H) h_t = tanh(u)
    } else {
      const [zr, n] = [ly.zr[t], ly.n[t]];
      arena.gemm(hPrev, ly.Rzr, ly.rec, B, H, 2 * H); // h_{t−1}·[Rz | Rr]
      k.gatePre(ly.rec.ptr, x, B, 2 * H, GH, 1); // + x·[Wz | Wr] + b
      arena.sigmoid(ly.rec, zr); // (B,2H) update gate z | reset gate r
      k.gruQ(zr.ptr, hPrev.ptr, ly.qT[t].ptr, B, H); // (B,H) q = r ⊙ h_{t−1}
      arena.gemm(ly.qT[t], ly.Rn, ly.recN, B, H, H); // (r⊙h_{t−1})·Rn
      k.gatePre(ly.recN.ptr, x + 2 * H * 4, B, H, GH, 2); // 2·(n pre-activation)
      arena.sigmoid(ly.recN, n); // σ(2·n pre)
      k.gruH(zr.ptr, n.ptr, hPrev.ptr, h.ptr, B, H); // n = tanh(·); h_t = z⊙h_{t−1} + (1−z)⊙n
    }
    if (l === this.L - 1) k.transpose(h.ptr, this.hsT.ptr + t * B * 4, B, H, T * B); // hsT[:, tB..tB+B)
  }

  /** backwardStep in the SIMD kernels: this step's dU (and its columns of dUT) and dhRec for step t−1. */
  private backwardStepSimd(l: number, t: number, hasRec: number): void {
    const { arena, H, B, G, T } = this;
    const k = this.k!;
    const GH = G * H;
    const ly = this.layers[l];
    const dH = ly.dHs.ptr + t * B * H * 4; // from the read-out / the layer above
    const dU = ly.dUt[t];
    if (this.cell === 'rnn') {
      k.rnnBack(dH, ly.dhRec.ptr, hasRec, ly.hPrev[t + 1].ptr, dU.ptr, B, H); // du = dh·(1 − h²)
      k.transpose(dU.ptr, ly.dUT.ptr + t * B * 4, B, H, T * B); // dUT[:, tB..tB+B)
      if (t > 0) arena.gemm(dU, ly.RnT, ly.dhRec, B, H, H); // dh_{t−1} = du·Whᵀ
      return;
    }
    const [zr, n, hPrev] = [ly.zr[t].ptr, ly.n[t].ptr, ly.hPrev[t].ptr];
    // du_z, du_n (and du_n alone in dUn), dhRec = dh·z: the direct path to h_{t−1}
    k.gruBackZN(dH, ly.dhRec.ptr, hasRec, zr, n, hPrev, dU.ptr, ly.dUn.ptr, B, H);
    arena.gemm(ly.dUn, ly.RnT, ly.dq, B, H, H); // dq = du_n·Rnᵀ, ∂/∂(r⊙h_{t−1})
    k.gruBackR(ly.dq.ptr, zr, hPrev, dU.ptr, ly.dUzr.ptr, ly.dhRec.ptr, B, H); // du_r; dhRec += dq⊙r
    k.transpose(dU.ptr, ly.dUT.ptr + t * B * 4, B, GH, T * B); // dUT[:, tB..tB+B)
    if (t > 0) {
      arena.gemm(ly.dUzr, ly.RzrT, ly.rec, B, 2 * H, H); // [du_z | du_r]·[Rz | Rr]ᵀ → (B,H) in rec
      k.addTo(ly.dhRec.ptr, ly.rec.ptr, B * H); // dhRec += through z and r
    }
  }

  /** gWh's columns [at, at + rows) ← gWT (rows, n)ᵀ: a transposed gradient block put in place. */
  private placeTransposed(gWT: Buf, gWh: Buf, rows: number, n: number, at: number): void {
    const width = this.G * this.H;
    if (this.k) this.k.transpose(gWT.ptr, gWh.ptr + at * 4, rows, n, width);
    else placeTransposed(gWT.v, gWh.v, rows, n, width, at);
  }

  /** Mean cross-entropy over the logits (crossEntropy.ts, shared with the LSTM); with `grad`, also dLogits. */
  private softmaxCrossEntropy(grad: boolean): number {
    return softmaxCrossEntropy(this.arena, this.out, this.probs, this.targets, this.T * this.B, this.V, grad);
  }

  /** h_t of a layer for all steps, (TB, H) time-major, for tests. */
  outputs(l = this.L - 1): Float32Array {
    return this.layers[l].hs.v;
  }

  /** The carried-in hidden state of a layer (block 0), for tests. */
  carried(l: number): { h: Float32Array } {
    return { h: this.layers[l].Hall.v.subarray(0, this.B * this.H) };
  }

  dispose(): void {
    // Views first, then the buffers they live in.
    for (const ly of this.layers)
      for (const b of Object.values(ly.blocks).flatMap((x) => x.buffers)) this.arena.free(b);
    for (const b of [...this.owned].reverse()) this.arena.free(b);
    this.owned.length = 0;
  }
}

/** dst (rows, cols of `width`) columns [at, at + rows) ← src (rows, n)ᵀ: a transposed gradient block put in place. */
function placeTransposed(
  src: Float32Array,
  dst: Float32Array,
  rows: number,
  n: number,
  width: number,
  at: number,
): void {
  for (let j = 0; j < rows; j++) for (let k = 0; k < n; k++) dst[k * width + at + j] = src[j * n + k];
}
