// The explorer panel's owner: creates, reveals or revives the one webview panel, keeps what the user looks
// at (gate, pinned unit), sends the panel state through the store, and routes the webview's messages.

import * as vscode from 'vscode';
import { DEFAULT_VIEW_STATE, type PanelSnapshot, type ViewState, type WebviewToHost } from '../../shared/protocol';
import { parseViewState } from '../../protocol/webview';
import type { BusyMeter } from '../core/busyMeter';
import { ExplorerPanel } from './explorerPanel';
import { PanelStore, panelSnapshot, type PanelSources } from './panelStore';

/** What the serializer stores for a panel across window reloads (the webview's `setState`). */
export interface PersistedPanelState {
  docUri?: string;
  view?: ViewState;
}

/** The webview messages features answer (the panel itself handles `ready` and `viewState`). */
type RoutedMessage = Exclude<WebviewToHost, { type: 'ready' | 'viewState' }>;

/** One handler per routed webview message type: the compiler checks that every message has one. */
export type WebviewRoutes = { [K in RoutedMessage['type']]: (message: Extract<RoutedMessage, { type: K }>) => void };

export class PanelController implements vscode.Disposable {
  private panel: ExplorerPanel | undefined;
  private webviewReady = false;
  /** What the user is looking at: the selected gate and the pinned unit. */
  private viewState: ViewState = DEFAULT_VIEW_STATE;
  /** The panel's slices: marked as they change, sent as one patch per tick. */
  readonly store: PanelStore;
  private routes: WebviewRoutes | undefined;
  private readonly viewChanged = new vscode.EventEmitter<ViewState>();
  /** The gate or pinned unit changed (from the webview or the host). */
  readonly onDidChangeView = this.viewChanged.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly busy: BusyMeter,
    private readonly sources: PanelSources,
  ) {
    this.store = new PanelStore(
      sources,
      { ready: () => !!this.panel && this.webviewReady, post: (m) => void this.panel?.post(m) },
      (what, fn) => busy.time(what, fn),
    );
  }

  /** Installs the handlers of the webview's messages (extension.ts, once every feature exists). */
  route(routes: WebviewRoutes): void {
    this.routes = routes;
  }

  get view(): ViewState {
    return this.viewState;
  }

  /** The host changes what is pinned (a label or a match was picked). */
  setView(view: ViewState): void {
    this.viewState = view;
    this.store.mark('view');
    this.viewChanged.fire(view);
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  get visible(): boolean {
    return !!this.panel?.visible;
  }

  get isReady(): boolean {
    return this.webviewReady;
  }

  /** Opens the panel in `column` without taking focus, or reveals it there; then sends the full state. */
  open(column: vscode.ViewColumn): void {
    if (this.panel) this.panel.reveal(column);
    else this.attach(ExplorerPanel.create(this.extensionUri, this.log, this.events(), column));
    this.store.sendSnapshot();
  }

  /** Adopts a panel restored after a window reload, with its view state. */
  revive(panel: vscode.WebviewPanel, state: PersistedPanelState | undefined): void {
    const view = parseViewState(state?.view);
    if (view) this.viewState = view;
    this.attach(ExplorerPanel.revive(panel, this.extensionUri, this.log, this.events()));
  }

  /** The full state as a webview that loads now would get it. */
  snapshot(): PanelSnapshot {
    return panelSnapshot(this.sources);
  }

  dispose(): void {
    this.panel?.dispose();
    this.store.dispose();
    this.viewChanged.dispose();
  }

  private attach(panel: ExplorerPanel): void {
    this.panel = panel;
    this.webviewReady = false;
    void vscode.commands.executeCommand('setContext', 'lstmLens.explorerOpen', true);
  }

  private events() {
    return {
      onMessage: (m: WebviewToHost) => this.busy.time(`webview:${m.type}`, () => this.onMessage(m)),
      onVisible: () => this.store.sendSnapshot(),
      onDispose: () => {
        this.panel = undefined;
        this.webviewReady = false;
        void vscode.commands.executeCommand('setContext', 'lstmLens.explorerOpen', false);
      },
    };
  }

  private onMessage(message: WebviewToHost): void {
    switch (message.type) {
      case 'ready':
        this.webviewReady = true;
        this.store.sendSnapshot();
        return;
      case 'viewState':
        this.viewState = message.view;
        this.viewChanged.fire(message.view);
        return;
      default:
        this.dispatch(message);
    }
  }

  private dispatch<M extends RoutedMessage>(message: M): void {
    // One lookup by type; the table's type guarantees the handler takes this message.
    const handler = this.routes?.[message.type as M['type']] as ((m: M) => void) | undefined;
    handler?.(message);
  }
}
