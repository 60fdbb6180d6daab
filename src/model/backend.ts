// Compute back-end set-up: tfjs-backend-wasm (SIMD, XNNPACK) by default, plain JS as a logged fallback.
//
// Hazards of tfjs-backend-wasm 4.22 under Node that the engine routes around (see arena.ts, engine/lstmGraph.ts):
// threads never start (one core); UnsortedSegmentSum is not registered (we accumulate embedding gradients
// by index in JS); Slice copies its whole input per call and transposed BatchMatMul is a scalar loop (we
// call the XNNPACK fast path directly on views and keep pre-transposed copies); each tfjs op costs ~30 µs
// to dispatch (our gate math is JS loops over heap views); the orthogonal initializer is slow (params.ts
// does its own QR in JS).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from './config';
import { JsArena, WasmArena, type Arena, type WasmModule } from './arena';

export interface EngineBackend {
  name: BackendName;
  /** Human-readable: what actually runs (SIMD? threads?). */
  detail: string;
  arena: Arena;
}

export type LogFn = (level: 'info' | 'warn' | 'error', message: string) => void;

const WASM_FILE = 'tfjs-backend-wasm-simd.wasm';

/** Where the .wasm binaries are: beside this bundle if copied there (dist/), else in node_modules. */
export function defaultWasmDir(): string {
  if (typeof __dirname === 'string' && fs.existsSync(path.join(__dirname, WASM_FILE))) return __dirname + path.sep;
  try {
    return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
  } catch {
    return (typeof __dirname === 'string' ? __dirname : process.cwd()) + path.sep;
  }
}

let wasmReady: Promise<EngineBackend | null> | null = null;

/** Brings up the requested back-end once per thread; falls back to JS (and logs why) when wasm fails. */
export async function initBackend(
  preferred: BackendName,
  opts: { wasmDir?: string; log?: LogFn } = {},
): Promise<EngineBackend> {
  const log = opts.log ?? (() => {});
  if (preferred === 'wasm') {
    wasmReady ??= startWasm(opts.wasmDir ?? defaultWasmDir(), log);
    const b = await wasmReady;
    if (b) return b;
    log('warn', 'wasm back-end unavailable; training on the plain-JS (cpu) path, several times slower');
  }
  return { name: 'cpu', detail: 'plain JS loops (no SIMD)', arena: new JsArena() };
}

async function startWasm(wasmDir: string, log: LogFn): Promise<EngineBackend | null> {
  try {
    setWasmPaths(wasmDir.endsWith('/') || wasmDir.endsWith(path.sep) ? wasmDir : wasmDir + '/');
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('tf.setBackend("wasm") returned false');
    await tf.ready();
    const be = tf.backend() as unknown as { wasm: WasmModule; dataIdNextNumber: number };
    if (typeof be.wasm?._BatchMatMul !== 'function')
      throw new Error('this tfjs-backend-wasm build does not export _BatchMatMul');
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    const ids = { nextId: () => be.dataIdNextNumber++ };
    const detail = `tfjs-backend-wasm ${simd ? 'SIMD' : 'no SIMD'}, 1 thread, XNNPACK matmul called directly (${wasmDir})`;
    log('info', `backend: ${detail}`);
    return { name: 'wasm', detail, arena: new WasmArena(be.wasm, ids) };
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
