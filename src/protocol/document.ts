// The worker's copy of a document: whole texts, texts in slices, edits and forgetting it (notifications).
import * as v from 'valibot';
import type { TextEdit } from '../shared/domain';
import { anyInt, docId, int, schemaFor } from './schema';

export interface SetDocumentParams {
  docId: string;
  version: number;
  text: string;
}

/**
 * A large text arrives in slices (host/workerOutbox.ts), so no host handler copies megabytes at once:
 * chunks at offsets 0, n1, n2, … of one version, then documentEnd; together they act as setDocument.
 */
export interface DocumentChunkParams {
  docId: string;
  version: number;
  offset: number;
  text: string;
}

export interface DocumentEndParams {
  docId: string;
  version: number;
  length: number;
}

export interface EditDocumentParams {
  docId: string;
  version: number;
  /** In UTF-16 offsets of the version before, applied in order. */
  edits: TextEdit[];
}

export interface DocIdParams {
  docId: string;
}

const textEdit = schemaFor<TextEdit>()(v.object({ offset: int(), deleteCount: int(), text: v.string() }));

export const documentNotifications = {
  setDocument: schemaFor<SetDocumentParams>()(v.object({ docId, version: anyInt, text: v.string() })),
  documentChunk: schemaFor<DocumentChunkParams>()(
    v.object({ docId, version: anyInt, offset: int(), text: v.string() }),
  ),
  documentEnd: schemaFor<DocumentEndParams>()(v.object({ docId, version: anyInt, length: int() })),
  editDocument: schemaFor<EditDocumentParams>()(v.object({ docId, version: anyInt, edits: v.array(textEdit) })),
  disposeDocument: schemaFor<DocIdParams>()(v.object({ docId })),
};

/** Just the document id (most requests that need nothing else). */
export const docIdParams = documentNotifications.disposeDocument;
