// The webview's state and the pure reducer that applies each host message to it (stale predictions are dropped here).

import {
  ComparePoints,
  answersCursor,
  DEFAULT_VIEW_STATE,
  EMPTY_INSIGHT,
  EMPTY_LAB,
  HostToWebview,
  LabSnapshot,
  PanelSnapshot,
  Prediction,
  ViewState,
  assertNever,
} from '../shared/protocol';

export interface WebviewState extends PanelSnapshot {
  /** The cursor (version, offset) the shown prediction belongs to. */
  predictionFor: { version: number; offset: number } | null;
}

export function initialState(view: ViewState = DEFAULT_VIEW_STATE): WebviewState {
  return {
    document: null,
    cursor: null,
    training: null,
    prediction: null,
    predictionFor: null,
    view,
    settings: { topK: 10, contextWindow: 40 },
    insight: EMPTY_INSIGHT,
    lab: EMPTY_LAB,
    strings: {},
  };
}

/**
 * Applies one host message (a patch: each of its updates in order). Returns the same object when nothing
 * changed (views skip work on identity).
 */
export function reduce(state: WebviewState, message: HostToWebview): WebviewState {
  switch (message.type) {
    case 'patch':
      return message.updates.reduce(reduce, state);
    case 'snapshot': {
      const s = message.snapshot;
      const c = s.cursor;
      return { ...s, predictionFor: s.prediction && c ? { version: c.version, offset: c.offset } : null };
    }
    case 'document':
      if (message.document?.uri !== state.document?.uri)
        return { ...state, document: message.document, cursor: null, prediction: null, predictionFor: null };
      return { ...state, document: message.document };
    case 'cursor':
      return { ...state, cursor: message.cursor };
    case 'training':
      return { ...state, training: message.training };
    case 'prediction':
      return acceptPrediction(state, message.version, message.offset, message.prediction);
    case 'insight':
      return { ...state, insight: message.insight };
    case 'lab':
      return { ...state, lab: message.lab };
    case 'comparePoints':
      return { ...state, lab: appendComparePoints(state.lab, message.points) };
    case 'view':
      return { ...state, view: message.view };
    case 'settings':
      return { ...state, settings: message.settings };
    default:
      return assertNever(message);
  }
}

/** A prediction is shown only if it answers the cursor the panel shows now; older answers are dropped. */
function acceptPrediction(
  state: WebviewState,
  version: number,
  offset: number,
  prediction: Prediction | null,
): WebviewState {
  if (prediction === null) return { ...state, prediction: null, predictionFor: null };
  if (!answersCursor({ version, offset }, state.cursor)) return state;
  return { ...state, prediction, predictionFor: { version, offset } };
}

/** Compare progress grows the running comparison's curves in place of a whole new lab slice. */
function appendComparePoints(lab: LabSnapshot, points: ComparePoints[]): LabSnapshot {
  const compare = lab.compare;
  if (!compare || compare.status !== 'running') return lab;
  const curves = [...compare.curves];
  for (const p of points) {
    const i = curves.findIndex((c) => c.cell === p.cell);
    if (i < 0) curves.push({ cell: p.cell, hiddenSize: p.hiddenSize, params: p.params, points: [p.point] });
    else curves[i] = { ...curves[i], points: [...curves[i].points, p.point] };
  }
  return { ...lab, compare: { ...compare, curves } };
}

/** True when the shown prediction belongs to the shown cursor (else the view dims it while the next one comes). */
export function predictionIsCurrent(state: WebviewState): boolean {
  return answersCursor(state.predictionFor, state.cursor);
}

/** Looks up a UI string in the host-provided table, formatting {0}, {1}… */
export function t(state: WebviewState, english: string, ...args: (string | number)[]): string {
  const template = state.strings[english] ?? english;
  return template.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
}
