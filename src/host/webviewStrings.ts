// The webview's UI strings: English source text, translated here through vscode.l10n and sent in the snapshot.

import * as vscode from 'vscode';

/** Every string the webview shows. Keep in sync with src/webview (a unit test checks each is used and translated). */
export const WEBVIEW_STRINGS = [
  'No document',
  'Open a text document and run "LSTM Lens: Open Explorer".',
  'Document',
  'Cursor',
  'Offset',
  'Context before the cursor',
  'characters',
  'lines',
  'Training',
  'Untrained',
  'Training…',
  'Stopped',
  'Done',
  'Failed',
  'Step',
  'Loss',
  'Held-out',
  'chars/s',
  'ETA',
  'Train',
  'Stop',
  'Resume',
  'Retrain',
  'Predictions at the cursor',
  'Next in document',
  'rank',
  'bits',
  'No model yet: train one to see predictions.',
  'Gates at the cursor',
  'Context heatmap',
  'Layer',
  'Unit',
  'Pinned unit',
  'input gate',
  'forget gate',
  'output gate',
  'candidate',
  'cell state',
  'hidden state',
  'Top prediction: {0}, {1}',
] as const;

export type WebviewString = (typeof WEBVIEW_STRINGS)[number];

export function webviewStrings(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of WEBVIEW_STRINGS) out[s] = vscode.l10n.t(s);
  return out;
}
