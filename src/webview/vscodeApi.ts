// Typed access to the webview API VS Code injects (`acquireVsCodeApi`), called exactly once.

import type { ViewState, WebviewToHost } from '../shared/protocol';

/** What the webview persists with setState; the serializer hands it back after a reload. */
export interface PersistedState {
  docUri?: string;
  view?: ViewState;
  /** Which panel sections the user opened or closed (see ui/sections.ts). */
  sections?: Partial<Record<string, boolean>>;
}

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): PersistedState | undefined;
  setState(state: PersistedState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const vscodeApi: VsCodeApi = acquireVsCodeApi();
