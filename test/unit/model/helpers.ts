// Shared test helpers: back-end start-up for tests, a float64 reference LSTM, and array comparisons.
import { defaultWasmDir, initBackend, type EngineBackend } from '../../../src/model/backend';
import { JsArena } from '../../../src/model/arena';
import type { ModelConfig } from '../../../src/model/config';
import { inputSize, paramSpecs, type ModelWeights } from '../../../src/model/params';

/** The wasm back-end with binaries from node_modules (tests and the CLI run from out/). */
export async function wasmBackend(): Promise<EngineBackend> {
  const b = await initBackend('wasm', { wasmDir: defaultWasmDir() });
  if (b.name !== 'wasm') throw new Error('wasm back-end did not start');
  return b;
}

export function jsBackend(): EngineBackend {
  return { name: 'cpu', detail: 'js', arena: new JsArena() };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

const sig = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Float64 reference: mean cross-entropy of a (T,B) time-major window from the given initial states
 * (per layer h and c, (B,H)). Deliberately naive: one position, one unit, one weight at a time.
 * `outMask` ((T·B, H), time-major): output dropout, multiplies the top layer's h before the read-out.
 */
export function referenceLoss(
  cfg: ModelConfig,
  V: number,
  params: ArrayLike<number>,
  inputs: Int32Array,
  targets: Int32Array,
  B: number,
  T: number,
  h0: Float64Array[],
  c0: Float64Array[],
  outMask?: ArrayLike<number>,
): number {
  const H = cfg.hiddenSize;
  const E = cfg.embeddingSize;
  const specs = paramSpecs(cfg, V);
  const get = (name: string) => {
    const s = specs.find((p) => p.name === name)!;
    return Float64Array.from({ length: s.length }, (_, k) => params[s.offset + k]);
  };
  const emb = get('embedding');
  const Wy = get('output.kernel');
  const by = get('output.bias');
  const h = h0.map((x) => Float64Array.from(x));
  const c = c0.map((x) => Float64Array.from(x));
  let loss = 0;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      let x = Float64Array.from({ length: E }, (_, e) => emb[inputs[t * B + b] * E + e]);
      for (let l = 0; l < cfg.layers; l++) {
        const Wx = get(`lstm${l}.kernel`);
        const Wh = get(`lstm${l}.recurrentKernel`);
        const bias = get(`lstm${l}.bias`);
        const In = inputSize(cfg, l);
        const z = new Float64Array(4 * H);
        for (let j = 0; j < 4 * H; j++) {
          let s = bias[j];
          for (let k = 0; k < In; k++) s += x[k] * Wx[k * 4 * H + j];
          for (let k = 0; k < H; k++) s += h[l][b * H + k] * Wh[k * 4 * H + j];
          z[j] = s;
        }
        const out = new Float64Array(H);
        for (let k = 0; k < H; k++) {
          const i = sig(z[k]);
          const f = sig(z[H + k]);
          const g = Math.tanh(z[2 * H + k]);
          const o = sig(z[3 * H + k]);
          const cn = f * c[l][b * H + k] + i * g;
          c[l][b * H + k] = cn;
          out[k] = o * Math.tanh(cn);
          h[l][b * H + k] = out[k];
        }
        x = out;
      }
      const logits = new Float64Array(V);
      const m = (k: number) => (outMask ? outMask[(t * B + b) * H + k] : 1);
      for (let v = 0; v < V; v++) {
        let s = by[v];
        for (let k = 0; k < H; k++) s += x[k] * m(k) * Wy[k * V + v];
        logits[v] = s;
      }
      const max = Math.max(...logits);
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp(logits[v] - max);
      loss += max + Math.log(sum) - logits[targets[t * B + b]];
    }
  }
  return loss / (T * B);
}

export function randomWeights(cfg: ModelConfig, V: number, seed: number, scale = 0.5): ModelWeights {
  const specs = paramSpecs(cfg, V);
  const n = specs[specs.length - 1].offset + specs[specs.length - 1].length;
  let s = seed >>> 0;
  const data = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[k] = (s / 4294967296 - 0.5) * 2 * scale;
  }
  return { config: cfg, vocabSize: V, specs, data };
}
