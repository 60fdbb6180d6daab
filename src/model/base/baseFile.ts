// The pretrained base model as shipped: a small JSON header (config, vocabulary, layout, checksum) and the
// weights as little-endian binary16. Loading treats both as untrusted and refuses anything off, as persist.ts does.
import { sha256Hex } from '../../shared/sha256';
import { resolveModelConfig, type ModelConfig } from '../config';
import { checkedLayout, parseHeader } from '../persist';
import { totalLength, type ModelWeights } from '../params';
import type { Vocab } from '../vocab';
import { decodeHalves, encodeHalves } from './halfFloat';

export const BASE_FORMAT = 'lstm-lens-base';
export const BASE_VERSION = 1;

/** What the header says of how the base was made (the full story is in the manifest beside it). */
export interface BaseInfo {
  /** Optimisation steps of pretraining. */
  steps: number;
  /** Characters of the training corpus. */
  corpusChars: number;
  /** Held-out bits per character per language, and over all of the held-out text. */
  heldOutBpc: Record<string, number>;
}

export interface BaseModel {
  /** Names this base in saved models: "base-" and the first 12 hex digits of its weights' SHA-256. */
  id: string;
  weights: ModelWeights;
  vocab: Vocab;
  info: BaseInfo;
  /** SHA-256 of the binary16 weights (the manifest records the same). */
  weightsSha256: string;
}

export interface SavedBase {
  json: string;
  weights: Uint8Array;
}

export const baseIdOf = (weightsSha256: string) => `base-${weightsSha256.slice(0, 12)}`;

/** The header and the binary16 weights of a base. */
export function saveBase(w: ModelWeights, vocab: Vocab, info: BaseInfo): SavedBase {
  const bytes = encodeHalves(w.data);
  const weightsSha256 = sha256Hex(bytes);
  const doc = {
    format: BASE_FORMAT,
    version: BASE_VERSION,
    id: baseIdOf(weightsSha256),
    model: w.config,
    vocab: { tokenizer: 'char', symbols: [...vocab.symbols] },
    tensors: w.specs.map((s) => ({ name: s.name, shape: s.shape })),
    dtype: 'float16',
    weightsBytes: bytes.byteLength,
    weightsSha256,
    info,
  };
  return { json: JSON.stringify(doc, null, 1), weights: bytes };
}

const fail = (why: string): never => {
  throw new Error(`Refusing base model: ${why}`);
};

/** Parses and checks a base; throws an Error starting "Refusing base model:" on any problem. */
export function loadBase(json: string, weights: Uint8Array): BaseModel {
  const m = parseHeader(json, fail, 'the header');
  if (m.format !== BASE_FORMAT) return fail(`format is ${JSON.stringify(m.format)}, expected "${BASE_FORMAT}"`);
  if (m.version !== BASE_VERSION) return fail(`version ${JSON.stringify(m.version)} is not supported`);
  if (m.dtype !== 'float16') return fail(`dtype ${JSON.stringify(m.dtype)} is not float16`);
  let config: ModelConfig;
  try {
    config = resolveModelConfig(m.model as Partial<ModelConfig>);
  } catch (e) {
    return fail(`bad model config: ${(e as Error).message}`);
  }
  const { vocab, specs } = checkedLayout(m, config, fail);
  const n = totalLength(specs);
  if (weights.byteLength !== n * 2 || m.weightsBytes !== n * 2)
    return fail(`weights are ${weights.byteLength} bytes, the layout needs ${n * 2}`);
  const sha = sha256Hex(weights);
  if (sha !== m.weightsSha256) return fail('weights checksum mismatch');
  if (m.id !== baseIdOf(sha)) return fail('the id does not match the weights');
  const data = decodeHalves(weights);
  for (let k = 0; k < n; k++) if (!Number.isFinite(data[k])) return fail(`weight ${k} is not finite`);
  const info = (typeof m.info === 'object' && m.info !== null ? m.info : {}) as BaseInfo;
  return {
    id: baseIdOf(sha),
    weights: { config, vocabSize: vocab.size, specs, data },
    vocab,
    info,
    weightsSha256: sha,
  };
}
