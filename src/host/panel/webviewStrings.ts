// The webview's UI strings: English source text, translated here through vscode.l10n and sent in the snapshot.

import * as vscode from 'vscode';
import { WEBVIEW_STRINGS } from '../../shared/uiStrings';

export function webviewStrings(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of WEBVIEW_STRINGS) out[s] = vscode.l10n.t(s);
  return out;
}
