// Saving and restoring a document's model: export answers its JSON and its weights (moved, not copied);
// import replaces the document's model, stopping its run.
import { loadModel, saveModel, textHash } from '../model/persist';
import { Transferring, type Handlers } from '../protocol/channel';
import type { persistenceCalls } from '../protocol/persistence';
import { docs, setModel, status } from './documents';
import { stopRun } from './training';

export const persistenceHandlers: Handlers<typeof persistenceCalls, Record<never, never>> = {
  exportModel: (m) => {
    const st = docs.get(m.docId);
    if (!st?.model) throw new Error('No model to export');
    const { weights, vocab, trainedOn } = st.model;
    const saved = saveModel(weights, vocab, trainedOn, { exportedAt: new Date().toISOString() });
    return new Transferring({ json: saved.json, weights: saved.weights }, [saved.weights]);
  },
  importModel: (m) => {
    const st = docs.get(m.docId);
    if (!st) throw new Error('Unknown document');
    const loaded = loadModel(m.json, m.weights);
    void stopRun(st);
    setModel(st, loaded.weights, loaded.vocab, null, 0);
    // The status goes out just before the answer (before the channel, it followed modelImported).
    const same = loaded.textHash === textHash(st.doc.text);
    status(
      m.docId,
      st,
      'done',
      same ? 'Imported model' : 'Imported model (trained on a different version of this text)',
    );
    return null;
  },
};
