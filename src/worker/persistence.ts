// Saving and restoring a document's model: export answers its JSON and its weights (moved, not copied);
// import replaces the document's model, stopping its run. The model is the best held-out checkpoint, and
// its step and score travel with it (meta.checkpoint), so a restored model can be continued honestly.
import { loadModel, saveModel, textHash } from '../model/persist';
import { Transferring, type Handlers } from '../protocol/channel';
import type { persistenceCalls } from '../protocol/persistence';
import { inRange, LIMITS, type Checkpoint } from '../shared/domain';
import { docs, setModel, status } from './documents';
import { stopRun } from './training';

export const persistenceHandlers: Handlers<typeof persistenceCalls, Record<never, never>> = {
  exportModel: (m) => {
    const st = docs.get(m.docId);
    if (!st?.model) throw new Error('No model to export');
    const { weights, vocab, trainedOn, steps, checkpoint, heldOutFraction } = st.model;
    const saved = saveModel(weights, vocab, trainedOn, {
      exportedAt: new Date().toISOString(),
      steps,
      ...(checkpoint ? { checkpoint, heldOutFraction } : {}),
    });
    return new Transferring({ json: saved.json, weights: saved.weights }, [saved.weights]);
  },
  importModel: (m) => {
    const st = docs.get(m.docId);
    if (!st) throw new Error('Unknown document');
    const loaded = loadModel(m.json, m.weights);
    void stopRun(st);
    const same = loaded.textHash === textHash(st.doc.text);
    const saved = savedCheckpoint(loaded.meta);
    // Scored on this text's held-out split: a continued run has to beat it (see training.ts).
    if (same && saved) st.heldOutFraction = saved.heldOutFraction;
    setModel(
      st,
      loaded.weights,
      loaded.vocab,
      same && saved ? st.doc.text : null,
      savedSteps(loaded.meta, saved?.checkpoint.step ?? 0),
      same && saved ? saved.checkpoint : null,
    );
    // The status goes out just before the answer (before the channel, it followed modelImported).
    status(
      m.docId,
      st,
      'done',
      same ? 'Imported model' : 'Imported model (trained on a different version of this text)',
    );
    return null;
  },
};

/** The checkpoint a saved model names (untrusted data: anything malformed counts as none). */
function savedCheckpoint(meta: Record<string, unknown>): { checkpoint: Checkpoint; heldOutFraction: number } | null {
  const c = meta.checkpoint as Partial<Checkpoint> | undefined;
  const f = meta.heldOutFraction;
  if (typeof c !== 'object' || c === null || typeof f !== 'number' || !inRange(f, LIMITS.heldOutFraction)) return null;
  const { step, heldOutBpc } = c;
  if (!Number.isSafeInteger(step) || step! < 0 || typeof heldOutBpc !== 'number' || !Number.isFinite(heldOutBpc))
    return null;
  return { checkpoint: { step: step!, heldOutBpc }, heldOutFraction: f };
}

/** The training steps a saved model names (at least its checkpoint's), or `atLeast`. */
function savedSteps(meta: Record<string, unknown>, atLeast: number): number {
  const n = meta.steps;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= atLeast ? n : atLeast;
}
