// Float buffers plus one matrix product, in two flavours: the wasm heap driven through XNNPACK, or plain JS.
//
// The wasm flavour calls tfjs-backend-wasm's exported BatchMatMul directly with tensor ids we register
// ourselves, so a matmul costs one wasm call (no tfjs op dispatch, no copies). Its only fast path is
// a(1,M,K) · b(1,K,N) with neither operand transposed; XNNPACK packs `b` once per tensor id and caches
// the packed copy, so a `b` whose contents change must be re-registered under a new id (see touch()).
import type { Kernels } from './engine/kernels';

/** A float buffer. `v` is a live view; in wasm it is rebuilt when the heap grows (call arena.refresh()). */
export interface Buf {
  v: Float32Array;
  readonly length: number;
  /** Byte offset in the wasm heap (wasm only). */
  readonly ptr: number;
  /** Tensor id registered with the wasm backend (wasm only). */
  id: number;
  /** Contents changed since the last time XNNPACK packed this buffer as a `b` operand. */
  dirty: boolean;
  /** When false, the buffer is treated as always dirty as a `b` operand (the safe default). */
  tracked: boolean;
}

export interface Arena {
  readonly kind: 'wasm' | 'js';
  /** The SIMD kernels working in place on this arena's buffers (engine/kernels.ts); null: use the JS loops. */
  readonly kernels: Kernels | null;
  alloc(length: number): Buf;
  /** A window [offset, offset+length) of `parent` sharing its memory. */
  view(parent: Buf, offset: number, length: number): Buf;
  /**
   * out(M,N) = a(M,K) · b(K,N), all row-major. `samePackedB`: b has not changed since the last gemm that read it
   * (the next row block of one product), so XNNPACK's packed copy stands even for an untracked b.
   */
  gemm(a: Buf, b: Buf, out: Buf, M: number, K: number, N: number, samePackedB?: boolean): void;
  /** out = σ(x) elementwise over x.length floats (tanh is 2σ(2x) − 1 on top of this). */
  sigmoid(x: Buf, out: Buf): void;
  /** Mark a tracked `b` operand as changed. */
  touch(b: Buf): void;
  /** Rebuild views if the heap moved; cheap when it did not. */
  refresh(): void;
  free(b: Buf): void;
  /** Buffers and views allocated and not yet freed (leak checks: flat across a whole session). */
  readonly liveBuffers: number;
}

/** Plain-JS arena: separate Float32Arrays and a cache-friendly triple loop. The cpu fallback. */
export class JsArena implements Arena {
  readonly kind = 'js' as const;
  readonly kernels = null;
  private readonly live = new WeakSet<Buf>();
  liveBuffers = 0;

  alloc(length: number): Buf {
    return this.track({ v: new Float32Array(length), length, ptr: 0, id: 0, dirty: true, tracked: false });
  }

  view(parent: Buf, offset: number, length: number): Buf {
    return this.track({
      v: parent.v.subarray(offset, offset + length),
      length,
      ptr: 0,
      id: 0,
      dirty: true,
      tracked: false,
    });
  }

  private track(b: Buf): Buf {
    this.live.add(b);
    this.liveBuffers++;
    return b;
  }

  gemm(a: Buf, b: Buf, out: Buf, M: number, K: number, N: number): void {
    jsGemm(a.v, b.v, out.v, M, K, N);
  }

  sigmoid(x: Buf, out: Buf): void {
    const xv = x.v;
    const ov = out.v;
    for (let k = 0; k < xv.length; k++) ov[k] = 1 / (1 + Math.exp(-xv[k]));
  }

  touch(b: Buf): void {
    b.dirty = true;
  }

  refresh(): void {}

  free(b: Buf): void {
    if (this.live.delete(b)) this.liveBuffers--;
  }
}

/** out(M,N) = a(M,K) · b(K,N) in plain JS (i-k-j order so the inner loop streams rows). */
export function jsGemm(a: Float32Array, b: Float32Array, out: Float32Array, M: number, K: number, N: number): void {
  for (let i = 0; i < M; i++) {
    const o = i * N;
    out.fill(0, o, o + N);
    for (let k = 0; k < K; k++) {
      const aik = a[i * K + k];
      if (aik === 0) continue;
      const r = k * N;
      for (let j = 0; j < N; j++) out[o + j] += aik * b[r + j];
    }
  }
}

/** The bits of tfjs-backend-wasm's emscripten module we use. */
export interface WasmModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _Sigmoid(xId: number, outId: number): void;
  _BatchMatMul(
    aId: number,
    aShape: number,
    aLen: number,
    bId: number,
    bShape: number,
    bLen: number,
    ta: number,
    tb: number,
    outId: number,
  ): void;
  /** The instance's exports; `memory` is the heap the kernels import. */
  asm?: { memory?: unknown };
  tfjs: { registerTensor(id: number, size: number, ptr: number): void; disposeData(id: number): void };
}

/** Hands out tensor ids that never collide with the tfjs backend's own. */
export interface IdSource {
  nextId(): number;
}

interface WasmBuf extends Buf {
  root: boolean;
}

export class WasmArena implements Arena {
  readonly kind = 'wasm' as const;
  private heap: ArrayBuffer;
  private readonly shapes: number; // 6 int32: [1, M, K] and [1, K, N]

  constructor(
    private readonly wasm: WasmModule,
    private readonly ids: IdSource,
    readonly kernels: Kernels | null = null,
    /** Every live buffer on this heap (shared with withoutKernels' arena, so a heap move rebuilds all views). */
    private readonly bufs = new Set<WasmBuf>(),
  ) {
    this.shapes = wasm._malloc(24);
    this.heap = wasm.HEAPU8.buffer as ArrayBuffer;
  }

  alloc(length: number): Buf {
    const ptr = this.wasm._malloc(Math.max(1, length) * 4);
    const id = this.ids.nextId();
    this.wasm.tfjs.registerTensor(id, length, ptr);
    const b: WasmBuf = { v: new Float32Array(0), length, ptr, id, dirty: true, tracked: false, root: true };
    this.bufs.add(b);
    this.refresh();
    b.v = new Float32Array(this.wasm.HEAPU8.buffer, ptr, length);
    b.v.fill(0);
    return b;
  }

  view(parent: Buf, offset: number, length: number): Buf {
    if (offset < 0 || offset + length > parent.length) throw new Error('view outside its parent buffer');
    const ptr = parent.ptr + offset * 4;
    const id = this.ids.nextId();
    this.wasm.tfjs.registerTensor(id, length, ptr);
    const b: WasmBuf = {
      v: new Float32Array(this.wasm.HEAPU8.buffer, ptr, length),
      length,
      ptr,
      id,
      dirty: true,
      tracked: false,
      root: false,
    };
    this.bufs.add(b);
    return b;
  }

  gemm(a: Buf, b: Buf, out: Buf, M: number, K: number, N: number, samePackedB = false): void {
    if (a.length < M * K || b.length < K * N || out.length < M * N)
      throw new Error(`gemm shapes (${M},${K})·(${K},${N}) exceed buffers`);
    if (b.dirty || (!b.tracked && !samePackedB)) {
      // New id: XNNPACK's packed copy of the old contents is dropped with the old id.
      this.wasm.tfjs.disposeData(b.id);
      b.id = this.ids.nextId();
      this.wasm.tfjs.registerTensor(b.id, b.length, b.ptr);
      b.dirty = false;
    }
    const s = new Int32Array(this.wasm.HEAPU8.buffer, this.shapes, 6);
    s[0] = 1;
    s[1] = M;
    s[2] = K;
    s[3] = 1;
    s[4] = K;
    s[5] = N;
    this.wasm._BatchMatMul(a.id, this.shapes, 3, b.id, this.shapes + 12, 3, 0, 0, out.id);
    this.refresh();
  }

  /** XNNPACK's vectorised sigmoid (~1.5 ns/float here, vs ~25 ns for Math.exp and ~50 ns for Math.tanh). */
  sigmoid(x: Buf, out: Buf): void {
    if (x.length !== out.length) throw new Error('sigmoid: buffers differ in length');
    this.wasm._Sigmoid(x.id, out.id);
  }

  touch(b: Buf): void {
    b.dirty = true;
  }

  /** A second arena on the same heap and ids without the SIMD kernels: the JS loops, for side-by-side timing. */
  withoutKernels(): WasmArena {
    return new WasmArena(this.wasm, this.ids, null, this.bufs);
  }

  get liveBuffers(): number {
    return this.bufs.size;
  }

  /** Bytes of wasm linear memory (it only ever grows). */
  get heapBytes(): number {
    return this.wasm.HEAPU8.length;
  }

  refresh(): void {
    const buf = this.wasm.HEAPU8.buffer as ArrayBuffer;
    if (buf === this.heap) return;
    this.heap = buf;
    for (const b of this.bufs) b.v = new Float32Array(buf, b.ptr, b.length);
  }

  free(b: Buf): void {
    const wb = b as WasmBuf;
    if (!this.bufs.delete(wb)) return;
    this.wasm.tfjs.disposeData(wb.id);
    if (wb.root) this.wasm._free(wb.ptr);
  }
}
