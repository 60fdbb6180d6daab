// What every view may do besides rendering: talk to the host and change the local view state.

import type { ViewState, WebviewToHost } from '../../shared/protocol';

export interface ViewContext {
  send(message: WebviewToHost): void;
  setView(view: ViewState): void;
}
