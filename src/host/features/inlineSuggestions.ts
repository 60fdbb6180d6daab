// Optional ghost text: the document's own model suggests how the current line goes on (lstmLens.inlineSuggestions,
// off by default); VS Code's inline-completion UI shows it and Tab accepts it.

import * as vscode from 'vscode';

/** Characters asked of the model per suggestion (cut at the line's end). */
const SUGGESTION_LENGTH = 40;

export interface SuggestionSource {
  enabled(): boolean;
  /** The model's greedy continuation at an offset, or undefined when the document has no model. */
  continuation(doc: vscode.TextDocument, offset: number, length: number): Promise<string | undefined>;
  log: vscode.LogOutputChannel;
}

/** What of a continuation to offer: the rest of the current line, if it has anything but spaces. */
export function suggestionText(continuation: string): string | undefined {
  const line = continuation.split(/\r?\n/, 1)[0];
  return line.trim() ? line : undefined;
}

export class LensInlineSuggestions implements vscode.InlineCompletionItemProvider {
  /** How often VS Code asked, and how many suggestions were offered (for tests and diagnostics). */
  asked = 0;
  offered = 0;

  constructor(private readonly source: SuggestionSource) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    _context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    this.asked++;
    if (!this.source.enabled()) return undefined;
    try {
      const text = await this.source.continuation(document, document.offsetAt(position), SUGGESTION_LENGTH);
      if (token.isCancellationRequested || text === undefined) return undefined;
      const suggestion = suggestionText(text);
      if (!suggestion) return undefined;
      this.offered++;
      return [new vscode.InlineCompletionItem(suggestion, new vscode.Range(position, position))];
    } catch (err) {
      this.source.log.trace(`No inline suggestion: ${(err as Error).message}`);
      return undefined;
    }
  }
}
