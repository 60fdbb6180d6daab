// Fine-tuning starts from the base: the document's vocabulary extends the base's, and the base's weights are
// widened to it so that, before the first step, the model predicts exactly what the base predicts.
import type { ModelConfig } from '../config';
import { paramSpecs, totalLength, type ModelWeights } from '../params';
import { Vocab } from '../vocab';
import type { BaseModel } from './baseFile';

/**
 * The vocabulary of a document fine-tuned from a base: the base's classes keep their ids (0 is <unk>, then the
 * base's symbols), and the document's characters the base lacks follow, most frequent first (ties: lower code
 * point), while there is room below `maxVocab` classes. What is left over stays <unk>, as it does today.
 */
export function extendVocab(base: Vocab, docSyms: Int32Array, maxVocab: number): Vocab {
  const counts = new Map<number, number>();
  for (const s of docSyms) if (base.id(s) === 0) counts.set(s, (counts.get(s) ?? 0) + 1);
  const room = Math.max(0, maxVocab - base.size);
  const added = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, room)
    .map(([s]) => s);
  return new Vocab([...base.symbols, ...added]);
}

/**
 * The base's weights for a vocabulary that extends the base's (extendVocab). Each of the k new characters starts
 * as a copy of <unk>: its embedding row is <unk>'s, its output column is <unk>'s, and the output biases of <unk>
 * and of the k new classes are <unk>'s minus ln(k + 1). So what the base gave <unk> is split evenly between <unk>
 * and the new characters, and every other probability is exactly the base's, until fine-tuning tells them apart.
 */
export function extendWeights(base: ModelWeights, vocab: Vocab): ModelWeights {
  const V0 = base.vocabSize;
  const V = vocab.size;
  if (V < V0) throw new Error(`the vocabulary (${V}) is smaller than the base's (${V0})`);
  const config: ModelConfig = { ...base.config, maxVocab: Math.max(base.config.maxVocab, V) };
  const specs = paramSpecs(config, V);
  const data = new Float32Array(totalLength(specs));
  const E = config.embeddingSize;
  const H = config.hiddenSize;
  const k = V - V0;
  const shift = Math.log(k + 1);
  for (const s of specs) {
    const from = base.specs.find((b) => b.name === s.name)!;
    const src = base.data.subarray(from.offset, from.offset + from.length);
    const dst = data.subarray(s.offset, s.offset + s.length);
    if (s.name === 'embedding') {
      dst.set(src); // rows 0..V0-1 are the base's
      for (let r = V0; r < V; r++) dst.copyWithin(r * E, 0, E); // a new row is <unk>'s (row 0)
    } else if (s.name === 'output.kernel') {
      for (let h = 0; h < H; h++) {
        dst.set(src.subarray(h * V0, (h + 1) * V0), h * V);
        for (let c = V0; c < V; c++) dst[h * V + c] = src[h * V0]; // a new column is <unk>'s (column 0)
      }
    } else if (s.name === 'output.bias') {
      dst.set(src);
      if (k > 0) {
        dst[0] = src[0] - shift;
        for (let c = V0; c < V; c++) dst[c] = src[0] - shift;
      }
    } else dst.set(src);
  }
  return { config, vocabSize: V, specs, data };
}

/**
 * Why a base cannot start a model of this configuration (null when it can): fine-tuning keeps the base's shape,
 * so the settings that shape the network must be the base's.
 */
export function baseMismatch(base: BaseModel, model: ModelConfig): string | null {
  const b = base.weights.config;
  const diff: string[] = [];
  if ((model.cell ?? 'lstm') !== (b.cell ?? 'lstm'))
    diff.push(`cell ${model.cell} (the base is an ${b.cell ?? 'lstm'})`);
  if (model.hiddenSize !== b.hiddenSize) diff.push(`hidden size ${model.hiddenSize} (the base has ${b.hiddenSize})`);
  if (model.layers !== b.layers) diff.push(`${model.layers} layers (the base has ${b.layers})`);
  if (model.embeddingSize !== b.embeddingSize)
    diff.push(`embedding size ${model.embeddingSize} (the base has ${b.embeddingSize})`);
  return diff.length ? `the settings ask for ${diff.join(', ')}` : null;
}

/** A document's starting point from the base: its vocabulary and the widened weights (model.maxVocab bounds it). */
export function startFromBase(
  base: BaseModel,
  docSyms: Int32Array,
  model: ModelConfig,
): { vocab: Vocab; weights: ModelWeights } {
  const vocab = extendVocab(base.vocab, docSyms, Math.max(model.maxVocab, base.vocab.size));
  return { vocab, weights: extendWeights(base.weights, vocab) };
}
