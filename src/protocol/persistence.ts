// Saving and restoring a document's model: the weights cross as one transferred ArrayBuffer beside the JSON.
import * as v from 'valibot';
import { docId, schemaFor } from './schema';
import { docIdParams } from './document';

/** A saved model: its JSON (config, vocabulary, text hash) and its weights. */
export interface ModelFile {
  json: string;
  weights: ArrayBuffer;
}

export interface ImportModelParams extends ModelFile {
  docId: string;
}

const modelFile = schemaFor<ModelFile>()(v.object({ json: v.string(), weights: v.instance(ArrayBuffer) }));

export const persistenceCalls = {
  exportModel: { params: docIdParams, result: modelFile },
  importModel: {
    params: schemaFor<ImportModelParams>()(v.object({ docId, json: v.string(), weights: v.instance(ArrayBuffer) })),
    result: v.null(),
  },
};
