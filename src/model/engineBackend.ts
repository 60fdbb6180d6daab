// Compute back-end set-up for any platform: tfjs-backend-wasm (SIMD, XNNPACK) by default, plain JS as a
// logged fallback. The .wasm binaries come as a folder (Node: backend.ts finds it) or as bytes (a Web
// Worker, whose content policy forbids fetching blob:/data: URLs, gets them from its host and serves them
// through tfjs's platform fetch).
//
// Hazards of tfjs-backend-wasm 4.22 that the engine routes around (see arena.ts, engine/lstmGraph.ts):
// threads never start (one core); UnsortedSegmentSum is not registered (we accumulate embedding gradients
// by index in JS); Slice copies its whole input per call and transposed BatchMatMul is a scalar loop (we
// call the XNNPACK fast path directly on views and keep pre-transposed copies); each tfjs op costs ~30 µs
// to dispatch (our gate math is JS loops over heap views); the orthogonal initializer is slow (params.ts
// does its own QR in JS).
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from './config';
import { JsArena, WasmArena, type Arena, type WasmModule } from './arena';
import { loadKernels } from './engine/kernels';

export interface EngineBackend {
  name: BackendName;
  /** Human-readable: what actually runs (SIMD? threads?). */
  detail: string;
  arena: Arena;
}

export type LogFn = (level: 'info' | 'warn' | 'error', message: string) => void;

/** Where tfjs finds its binaries: a folder (ends with a separator), or the bytes of each file by name. */
export type WasmSource = { dir: string } | { files: Readonly<Record<string, ArrayBuffer>>; where: string };

/** The binaries tfjs-backend-wasm may ask for (it picks by SIMD and thread support). */
export const WASM_FILES = {
  plain: 'tfjs-backend-wasm.wasm',
  simd: 'tfjs-backend-wasm-simd.wasm',
  threadedSimd: 'tfjs-backend-wasm-threaded-simd.wasm',
} as const;

let wasmReady: Promise<EngineBackend | null> | null = null;

/** Brings up the requested back-end once per thread; falls back to JS (and logs why) when wasm fails. */
export async function startBackend(
  preferred: BackendName,
  opts: { wasm: WasmSource; log?: LogFn },
): Promise<EngineBackend> {
  const log = opts.log ?? (() => {});
  if (preferred === 'wasm') {
    wasmReady ??= startWasm(opts.wasm, log);
    const b = await wasmReady;
    if (b) return b;
    log('warn', 'wasm back-end unavailable; training on the plain-JS (cpu) path, several times slower');
  }
  return { name: 'cpu', detail: 'plain JS loops (no SIMD)', arena: new JsArena() };
}

/** Points tfjs at the bytes: its wasm loader asks the platform's fetch for these names, and gets them. */
function serveFromBytes(files: Readonly<Record<string, ArrayBuffer>>): void {
  // Without the threaded binary tfjs must not pick it (it would when the page is cross-origin isolated).
  if (!(WASM_FILES.threadedSimd in files)) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  // tfjs wants an entry for each of its binaries; the ones not given are never picked (threads are off).
  setWasmPaths({ ...Object.fromEntries(Object.values(WASM_FILES).map((n) => [n, n])) }, true);
  const platform = tf.env().platform as { fetch: (path: string, init?: unknown) => Promise<unknown> };
  const fallback = platform.fetch.bind(platform);
  platform.fetch = (path: string, init?: unknown) => {
    const bytes = Object.hasOwn(files, path) ? files[path] : undefined;
    if (!bytes) return fallback(path, init);
    return Promise.resolve({ ok: true, status: 200, arrayBuffer: () => Promise.resolve(bytes.slice(0)) });
  };
}

async function startWasm(source: WasmSource, log: LogFn): Promise<EngineBackend | null> {
  try {
    const where = 'dir' in source ? source.dir : source.where;
    if ('dir' in source) setWasmPaths(source.dir.endsWith('/') ? source.dir : source.dir + '/');
    else serveFromBytes(source.files);
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('tf.setBackend("wasm") returned false');
    await tf.ready();
    const be = tf.backend() as unknown as { wasm: WasmModule; dataIdNextNumber: number };
    if (typeof be.wasm?._BatchMatMul !== 'function')
      throw new Error('this tfjs-backend-wasm build does not export _BatchMatMul');
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    const ids = { nextId: () => be.dataIdNextNumber++ };
    // The SIMD kernels need SIMD and the heap's Memory object; without them the graphs run their JS loops.
    const kernels = simd
      ? loadKernels(be.wasm.asm?.memory, (m) => log('warn', `SIMD kernels unavailable (${m}); JS loops instead`))
      : null;
    const detail =
      `tfjs-backend-wasm ${simd ? 'SIMD' : 'no SIMD'}, 1 thread, XNNPACK matmul called directly, ` +
      `${kernels ? 'SIMD kernels for the elementwise work' : 'JS elementwise loops'} (${where})`;
    log('info', `backend: ${detail}`);
    return { name: 'wasm', detail, arena: new WasmArena(be.wasm, ids, kernels) };
  } catch (e) {
    log('warn', `wasm back-end failed to start: ${e instanceof Error ? e.message : String(e)}`);
    try {
      await tf.setBackend('cpu');
    } catch {
      // tfjs itself is optional for the JS path.
    }
    return null;
  }
}
