// The model's weights as one flat Float32Array with named, shaped slices, and their initialisation.
import { cellOf, type ModelConfig } from './config';
import { gateCount } from './cells/cell';
import { Rng } from './rng';

export interface ParamSpec {
  name: string;
  shape: number[];
  /** Offset in floats within the flat vector. */
  offset: number;
  length: number;
}

/** Weights plus what is needed to interpret them. Gate blocks along 4H are ordered i, f, g, o (Keras order). */
export interface ModelWeights {
  config: ModelConfig;
  vocabSize: number;
  specs: ParamSpec[];
  data: Float32Array;
}

/** Layer l's input width: the embedding for layer 0, the layer below's hidden size after that. */
export function inputSize(cfg: ModelConfig, l: number): number {
  return l === 0 ? cfg.embeddingSize : cfg.hiddenSize;
}

/**
 * The layout: embedding (V,E); per layer kernel (In,G·H), recurrentKernel (H,G·H), bias (G·H); output (H,V), (V).
 * G and the layer prefix depend on the cell: lstm0.* with G=4 (i|f|g|o), gru0.* with G=3 (z|r|n), rnn0.* G=1.
 */
export function paramSpecs(cfg: ModelConfig, V: number): ParamSpec[] {
  const H = cfg.hiddenSize;
  const cell = cellOf(cfg);
  const GH = gateCount(cell) * H;
  const shapes: [string, number[]][] = [['embedding', [V, cfg.embeddingSize]]];
  for (let l = 0; l < cfg.layers; l++) {
    shapes.push([`${cell}${l}.kernel`, [inputSize(cfg, l), GH]]);
    shapes.push([`${cell}${l}.recurrentKernel`, [H, GH]]);
    shapes.push([`${cell}${l}.bias`, [GH]]);
  }
  shapes.push(['output.kernel', [H, V]]);
  shapes.push(['output.bias', [V]]);
  let offset = 0;
  return shapes.map(([name, shape]) => {
    const length = shape.reduce((a, b) => a * b, 1);
    const s = { name, shape, offset, length };
    offset += length;
    return s;
  });
}

export function totalLength(specs: ParamSpec[]): number {
  const last = specs[specs.length - 1];
  return last.offset + last.length;
}

export function spec(specs: ParamSpec[], name: string): ParamSpec {
  const s = specs.find((p) => p.name === name);
  if (!s) throw new Error(`no parameter named ${name}`);
  return s;
}

/** Slice of the flat vector for one named parameter. */
export function slice(w: ModelWeights, name: string): Float32Array {
  const s = spec(w.specs, name);
  return w.data.subarray(s.offset, s.offset + s.length);
}

/**
 * Seeded initialisation: embedding N(0,1); kernels Glorot-uniform; recurrent kernels orthogonal (our own
 * Gram-Schmidt, milliseconds instead of tfjs's ~30 s at H=128); biases 0 except the forget gate at 1.
 */
export function initWeights(cfg: ModelConfig, V: number, seed: number): ModelWeights {
  const rng = new Rng(seed);
  const specs = paramSpecs(cfg, V);
  const data = new Float32Array(totalLength(specs));
  const H = cfg.hiddenSize;
  for (const s of specs) {
    const v = data.subarray(s.offset, s.offset + s.length);
    if (s.name === 'embedding') for (let k = 0; k < v.length; k++) v[k] = rng.normal();
    else if (s.name.endsWith('.recurrentKernel')) orthogonalRows(v, s.shape[0], s.shape[1], rng);
    // (rnn: (H,H) is square, so the rows are a full orthogonal matrix; gru: (H,3H) like the LSTM's (H,4H))
    else if (s.name.endsWith('kernel')) {
      const limit = Math.sqrt(6 / (s.shape[0] + s.shape[1]));
      for (let k = 0; k < v.length; k++) v[k] = (2 * rng.next() - 1) * limit;
    } else if (s.name.startsWith('lstm')) v.fill(1, H, 2 * H); // unit forget bias
  }
  return { config: cfg, vocabSize: V, specs, data };
}

/** Fills m (rows, cols), rows <= cols, with orthonormal rows (modified Gram-Schmidt on Gaussian rows). */
function orthogonalRows(m: Float32Array, rows: number, cols: number, rng: Rng): void {
  const a = new Float64Array(rows * cols);
  for (let k = 0; k < a.length; k++) a[k] = rng.normal();
  for (let r = 0; r < rows; r++) {
    const ro = r * cols;
    for (let q = 0; q < r; q++) {
      const qo = q * cols;
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += a[ro + j] * a[qo + j];
      for (let j = 0; j < cols; j++) a[ro + j] -= dot * a[qo + j];
    }
    let n = 0;
    for (let j = 0; j < cols; j++) n += a[ro + j] * a[ro + j];
    n = Math.sqrt(n) || 1;
    for (let j = 0; j < cols; j++) a[ro + j] /= n;
  }
  for (let k = 0; k < m.length; k++) m[k] = a[k];
}
