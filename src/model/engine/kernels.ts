// The elementwise half of the training step (the LSTM, GRU and RNN gates) in wasm SIMD (kernels.wat), instantiated
// on the tfjs wasm backend's own WebAssembly.Memory so it works in place on arena buffers. Null where it cannot
// load (no SIMD, a shared heap, the plain-JS arena): the graphs and the trainer then run their JS loops, which stay
// the reference.
import bytes from './kernels.wat';

/** The kernels' f32x4 width: the graphs run them only when H is a multiple of it. */
export const KERNEL_WIDTH = 4;

/** Pointers are byte offsets in the heap (Buf.ptr); counts are floats. Widths H must be multiples of KERNEL_WIDTH. */
export interface Kernels {
  /** z (rows,4H) += x (rows,4H), then the g block doubled. */
  lstmZ(z: number, x: number, rows: number, H: number): void;
  /** g = 2σ−1 in place; c_t = f·c_{t−1} + i·g into cNew; 2c_t into twoC. */
  lstmCell(gates: number, cPrev: number, cNew: number, twoC: number, rows: number, H: number): void;
  /** tanh c = 2σ(2c)−1 in place; h = o·tanh c. */
  lstmOut(gates: number, tanhC: number, h: number, rows: number, H: number): void;
  /** One step backward: dZ (rows,4H) and dcNext (rows,H) from dHs + rec·dhRec. */
  lstmBack(
    dHs: number,
    dhRec: number,
    rec: number,
    gates: number,
    tanhC: number,
    cPrev: number,
    dZ: number,
    dcNext: number,
    rows: number,
    H: number,
  ): void;
  /** dst (rows, w) = scale·(dst + x), x's rows ld floats apart: a gate block's pre-activation (GRU, RNN). */
  gatePre(dst: number, x: number, rows: number, w: number, ld: number, scale: number): void;
  /** p (n) = 2p − 1 in place: tanh u from σ(2u). */
  tanhOfSig(p: number, n: number): void;
  /** GRU: q (rows, H) = r ⊙ h_{t−1}, r the second block of zr (rows, 2H). */
  gruQ(zr: number, hPrev: number, q: number, rows: number, H: number): void;
  /** GRU: n = 2σ − 1 in place; h = z⊙h_{t−1} + (1−z)⊙n. */
  gruH(zr: number, n: number, hPrev: number, h: number, rows: number, H: number): void;
  /** RNN backward: du (rows, H) = (dHs + rec·dhRec)(1 − h²). */
  rnnBack(dHs: number, dhRec: number, rec: number, h: number, du: number, rows: number, H: number): void;
  /** GRU backward: dU's z and n blocks (rows, 3H) and dUn from dh = dHs + rec·dhRec; dhRec = dh·z. */
  gruBackZN(
    dHs: number,
    dhRec: number,
    rec: number,
    zr: number,
    n: number,
    hPrev: number,
    dU: number,
    dUn: number,
    rows: number,
    H: number,
  ): void;
  /** GRU backward: dU's r block from dq = du_n·Rnᵀ, dUzr = du_z | du_r, dhRec += dq·r. */
  gruBackR(
    dq: number,
    zr: number,
    hPrev: number,
    dU: number,
    dUzr: number,
    dhRec: number,
    rows: number,
    H: number,
  ): void;
  /** dst[c·ld + r] = src[r·cols + c]: ld = rows transposes a whole matrix, ld > rows fills a block of columns. */
  transpose(src: number, dst: number, rows: number, cols: number, ld: number): void;
  /** dst (n) += src (n). */
  addTo(dst: number, src: number, n: number): void;
  /** Σ g² in f64. */
  sumSquares(g: number, n: number): number;
  /** Adam with the clip scale folded in (see kernels.wat). */
  adam(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    scale: number,
    b1: number,
    b2: number,
    lrT: number,
    eps: number,
  ): void;
}

/** The bits of the WebAssembly global used here (the model world's lib has no DOM or wasm typings). */
interface WasmGlobal {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

/** Instantiates the kernels on `memory` (a WebAssembly.Memory); null (with the reason in `why`) where that fails. */
export function loadKernels(memory: unknown, why: (m: string) => void = () => {}): Kernels | null {
  if (!memory) {
    why('the wasm backend does not expose its memory');
    return null;
  }
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;
    const instance = new wasm.Instance(new wasm.Module(bytes), { env: { memory } });
    return instance.exports as unknown as Kernels;
  } catch (e) {
    why(e instanceof Error ? e.message : String(e));
    return null;
  }
}
