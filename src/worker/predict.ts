// Cursor predictions: the next-token candidates at an offset and the gate trace before it, whose
// buffers move to the host rather than being copied.
import { Transferring, type Handlers } from '../protocol/channel';
import type { predictCalls } from '../protocol/predict';
import { docs } from './documents';
import { errText } from './answering';

export const predictHandlers: Handlers<typeof predictCalls, Record<never, never>> = {
  predict: (m) => {
    const st = docs.get(m.docId);
    if (!st) throw new Error('Unknown document');
    if (!st.predictor) throw new Error('No model yet: train or import one first');
    if (m.version !== st.doc.version)
      throw new Error(`Stale request: document is at version ${st.doc.version}, request was for ${m.version}`);
    if (m.offset > st.doc.length)
      throw new Error(`Offset ${m.offset} is past the end of the document (${st.doc.length})`);
    let prediction;
    try {
      prediction = st.predictor.predict(st.doc, m.offset, m.topK, m.context);
    } catch (e) {
      throw new Error(`Prediction failed: ${errText(e)}`);
    }
    return new Transferring(
      { version: m.version, offset: m.offset, prediction },
      prediction.trace.map((t) => t.values.buffer as ArrayBuffer),
    );
  },
};
