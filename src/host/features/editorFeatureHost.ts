// What a feature that works on the shown editor's document asks of the host: the trainer, the log, the
// editor, and whether (and under which name) the worker holds the document's model.

import type * as vscode from 'vscode';
import type { LensServices } from '../core/services';
import type { TrainerChannel } from '../core/trainerChannel';

export interface EditorFeatureHost {
  trainer: TrainerChannel;
  log: vscode.LogOutputChannel;
  /** The editor the panel follows (undefined when its document closed). */
  editor(): vscode.TextEditor | undefined;
  /** True when the worker holds a model for this document; it then also has the document's current text. */
  ready(doc: vscode.TextDocument): boolean;
  /** The worker's name for a document. */
  docId(doc: vscode.TextDocument): string;
  /** The feature's panel state changed. */
  changed(): void;
}

/** The host part every editor feature shares, from the services; `changed` marks the feature's panel slice. */
export function editorFeatureHost(s: LensServices, changed: () => void): EditorFeatureHost {
  const { registry } = s;
  return {
    trainer: s.trainer,
    log: s.log,
    editor: () => registry.currentEditor,
    ready: (doc) => registry.readyWithModel(doc),
    docId: (doc) => registry.session(doc.uri.toString()).docId,
    changed,
  };
}
