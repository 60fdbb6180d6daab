// Save and load a trained model as plain JSON (config, vocabulary, layout, hashes) plus one binary of
// little-endian float32 weights. Loading treats both as untrusted data and refuses anything off.
import { sha256Hex } from '../shared/sha256';
import { resolveModelConfig, type ModelConfig } from './config';
import { paramSpecs, totalLength, type ModelWeights, type ParamSpec } from './params';
import { Vocab } from './vocab';

export const MODEL_FORMAT = 'lstm-lens-model';
export const MODEL_VERSION = 1;

export interface SavedModel {
  json: string;
  weights: ArrayBuffer;
}

export interface LoadedModel {
  weights: ModelWeights;
  vocab: Vocab;
  /** SHA-256 of the text it was trained on (null when unknown). */
  textHash: string | null;
  meta: Record<string, unknown>;
}

export { sha256Hex };

export function textHash(text: string): string {
  return sha256Hex(text);
}

export function saveModel(
  w: ModelWeights,
  vocab: Vocab,
  trainedOn: string | null,
  meta: Record<string, unknown> = {},
): SavedModel {
  const bytes = new Uint8Array(w.data.length * 4);
  const dv = new DataView(bytes.buffer);
  for (let k = 0; k < w.data.length; k++) dv.setFloat32(k * 4, w.data[k], true);
  const doc = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    model: w.config,
    vocab: { tokenizer: 'char', symbols: [...vocab.symbols] },
    tensors: w.specs.map((s) => ({ name: s.name, shape: s.shape })),
    weightsBytes: bytes.byteLength,
    weightsSha256: sha256Hex(bytes),
    textHash: trainedOn === null ? null : textHash(trainedOn),
    meta,
  };
  return { json: JSON.stringify(doc), weights: bytes.buffer };
}

const fail = (why: string): never => {
  throw new Error(`Refusing model file: ${why}`);
};

/** A header's JSON as an object; `fail` (which throws, with its caller's prefix) names `what` when it is not one. */
export function parseHeader(json: string, fail: (why: string) => never, what: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return fail(`${what} is not valid JSON`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(`${what} is not an object`);
  return raw as Record<string, unknown>;
}

/**
 * The vocabulary and tensor layout a header (a saved model's or the base's) describes for `config`, checked:
 * distinct code points, at most maxVocab classes, every tensor's name and shape as paramSpecs lays them out.
 */
export function checkedLayout(
  m: Record<string, unknown>,
  config: ModelConfig,
  fail: (why: string) => never,
): { vocab: Vocab; specs: ParamSpec[] } {
  const v = m.vocab as { tokenizer?: unknown; symbols?: unknown } | undefined;
  if (typeof v !== 'object' || v === null || v.tokenizer !== 'char' || !Array.isArray(v.symbols))
    return fail('missing or unknown vocabulary');
  const symbols = v.symbols as unknown[];
  if (symbols.length + 1 > config.maxVocab)
    return fail(`vocabulary has ${symbols.length + 1} classes, more than maxVocab ${config.maxVocab}`);
  // A model of its own lists its symbols in code-point order; one fine-tuned from a base lists the base's first,
  // then the document's own additions: either way every symbol appears once.
  const seen = new Set<number>();
  for (let k = 0; k < symbols.length; k++) {
    const s = symbols[k];
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > 0x10ffff)
      return fail(`vocabulary entry ${k} is not a code point`);
    if (seen.has(s)) return fail(`vocabulary lists ${s} twice`);
    seen.add(s);
  }
  const vocab = new Vocab(symbols as number[]);
  const specs = paramSpecs(config, vocab.size);
  const tensors = m.tensors;
  if (!Array.isArray(tensors) || tensors.length !== specs.length) return fail(`expected ${specs.length} tensors`);
  specs.forEach((s, k) => {
    const t = tensors[k] as { name?: unknown; shape?: unknown };
    const ok =
      t &&
      t.name === s.name &&
      Array.isArray(t.shape) &&
      t.shape.length === s.shape.length &&
      s.shape.every((d, j) => (t.shape as unknown[])[j] === d);
    if (!ok) fail(`tensor ${k} should be ${s.name} [${s.shape.join(', ')}]`);
  });
  return { vocab, specs };
}

/** Parses and checks everything; throws an Error starting "Refusing model file:" on any problem. */
export function loadModel(json: string, weights: ArrayBuffer, opts: { expectedTextHash?: string } = {}): LoadedModel {
  const m = parseHeader(json, fail, 'the JSON part');
  if (m.format !== MODEL_FORMAT) return fail(`format is ${JSON.stringify(m.format)}, expected "${MODEL_FORMAT}"`);
  if (m.version !== MODEL_VERSION)
    return fail(`version ${JSON.stringify(m.version)} is not supported (this build reads ${MODEL_VERSION})`);
  const mc = m.model as Partial<ModelConfig> | undefined;
  if (typeof mc !== 'object' || mc === null) return fail('missing model config');
  for (const k of ['hiddenSize', 'layers', 'embeddingSize', 'maxVocab'] as const)
    if (typeof mc[k] !== 'number') return fail(`model.${k} is missing or not a number`);
  let config: ModelConfig;
  try {
    config = resolveModelConfig(mc);
  } catch (e) {
    return fail(`bad model config: ${(e as Error).message}`);
  }
  const { vocab, specs } = checkedLayout(m, config, fail);
  const n = totalLength(specs);
  if (!(weights instanceof ArrayBuffer)) return fail('weights are not binary data');
  if (weights.byteLength !== n * 4 || m.weightsBytes !== n * 4)
    return fail(`weights are ${weights.byteLength} bytes, the layout needs ${n * 4}`);
  const bytes = new Uint8Array(weights);
  if (typeof m.weightsSha256 !== 'string' || sha256Hex(bytes) !== m.weightsSha256)
    return fail('weights checksum mismatch (corrupted or from another model)');
  const data = new Float32Array(n);
  const dv = new DataView(weights);
  for (let k = 0; k < n; k++) {
    const x = dv.getFloat32(k * 4, true);
    if (!Number.isFinite(x)) return fail(`weight ${k} is not a finite number`);
    data[k] = x;
  }
  const th = m.textHash;
  if (th !== null && (typeof th !== 'string' || !/^[0-9a-f]{64}$/.test(th))) return fail('textHash is malformed');
  if (opts.expectedTextHash !== undefined && th !== opts.expectedTextHash)
    return fail('it was trained on a different text (hash mismatch)');
  const meta =
    typeof m.meta === 'object' && m.meta !== null && !Array.isArray(m.meta) ? (m.meta as Record<string, unknown>) : {};
  return { weights: { config, vocabSize: vocab.size, specs, data }, vocab, textHash: th, meta };
}
