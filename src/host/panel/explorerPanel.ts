// Owns the explorer webview panel: creates or revives it, serves its HTML, and checks every message it sends.

import * as vscode from 'vscode';
import { HostToWebview, WebviewToHost } from '../../shared/protocol';
import { parseWebviewMessage } from '../../protocol/webview';
import { makeNonce, panelHtml } from './panelHtml';

export const EXPLORER_VIEW_TYPE = 'lstmLens.explorer';

export interface ExplorerPanelEvents {
  onMessage(message: WebviewToHost): void;
  /** The panel became visible again (its webview may have been recreated: replay state). */
  onVisible(): void;
  onDispose(): void;
}

export class ExplorerPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly events: ExplorerPanelEvents,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'panel-icon.svg');
    panel.webview.options = ExplorerPanel.webviewOptions(extensionUri);
    panel.webview.html = ExplorerPanel.html(panel.webview, extensionUri);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (!message) {
          this.log.warn('Dropped a malformed message from the webview:', safeJson(raw));
          return;
        }
        this.events.onMessage(message);
      }),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.visible) this.events.onVisible();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  static create(
    extensionUri: vscode.Uri,
    log: vscode.LogOutputChannel,
    events: ExplorerPanelEvents,
    column: vscode.ViewColumn,
  ): ExplorerPanel {
    const panel = vscode.window.createWebviewPanel(
      EXPLORER_VIEW_TYPE,
      vscode.l10n.t('LSTM Lens'),
      { viewColumn: column, preserveFocus: true },
      ExplorerPanel.webviewOptions(extensionUri),
    );
    return new ExplorerPanel(panel, extensionUri, log, events);
  }

  /** Adopts a panel VS Code restored after a reload (see the serializer in extension.ts). */
  static revive(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    log: vscode.LogOutputChannel,
    events: ExplorerPanelEvents,
  ): ExplorerPanel {
    return new ExplorerPanel(panel, extensionUri, log, events);
  }

  static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      enableFindWidget: false,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
  }

  private static html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
    const asset = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...parts)).toString();
    return panelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce((n) => crypto.getRandomValues(new Uint8Array(n))),
      scriptUri: asset('dist', 'webview.js'),
      styleUri: asset('media', 'explorer.css'),
      language: vscode.env.language,
      title: vscode.l10n.t('LSTM Lens'),
    });
  }

  get visible(): boolean {
    return !this.disposed && this.panel.visible;
  }

  reveal(column: vscode.ViewColumn): void {
    this.panel.reveal(column, true);
  }

  /** Posts to the webview; returns false when the panel is gone or hidden (state is replayed on `ready`). */
  post(message: HostToWebview): Thenable<boolean> {
    if (this.disposed) return Promise.resolve(false);
    return this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.panel.dispose();
    vscode.Disposable.from(...this.disposables).dispose();
    this.events.onDispose();
  }
}

function safeJson(raw: unknown): string {
  try {
    return JSON.stringify(raw).slice(0, 200);
  } catch {
    return String(raw);
  }
}
