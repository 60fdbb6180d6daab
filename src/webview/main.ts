// The explorer webview: a pure view of the host's state. It asks for a snapshot on load, applies
// validated messages through the reducer and repaints once per animation frame.

import { parseHostToWebview, ViewState, WebviewToHost } from '../shared/protocol';
import { registerToolkit } from './toolkit';
import { initialState, reduce, WebviewState } from './state';
import { vscodeApi } from './vscodeApi';
import { DocumentView } from './views/documentView';
import { TrainingView } from './views/trainingView';
import { PredictionsView } from './views/predictionsView';
import { GatesView } from './views/gatesView';
import { HeatmapView } from './views/heatmapView';
import { InsightView } from './views/insightView';
import { InspectorView } from './views/inspectorView';
import { SampleView } from './views/sampleView';
import { MemoryView } from './views/memoryView';
import { InterventionView } from './views/interventionView';
import { CompareView } from './views/compareView';
import { RecallView } from './views/recallView';
import { ViewContext } from './views/context';
import { recordPaint } from './paintTimings';
import { onCanvasEnvironmentChange } from './ui/canvas';
import { PanelSection, SectionId, SectionsOpen, sectionIsOpen, withSection } from './ui/sections';

interface View {
  readonly root: HTMLElement;
  update(state: WebviewState): void;
}

registerToolkit();

const persisted = vscodeApi.getState();
let state: WebviewState = initialState(persisted?.view);
let sectionsOpen: SectionsOpen = persisted?.sections ?? {};
let frame = 0;
/** Messages painted by the next frame (a cursor and its prediction may share one), to time them. */
type PendingPaint = { version: number; offset: number; kind: 'cursor' | 'prediction'; receivedAt: number };
let pendingPaints: PendingPaint[] = [];

function send(message: WebviewToHost): void {
  vscodeApi.postMessage(message);
}

/** Saves what survives a reload: the document and view (the host's serializer reads them) and the open sections. */
function persist(): void {
  vscodeApi.setState({ docUri: state.document?.uri, view: state.view, sections: sectionsOpen });
}

/** Changes what the user is looking at (gate, pinned unit): kept locally, persisted, and told to the host. */
function setView(view: ViewState): void {
  state = { ...state, view };
  persist();
  send({ type: 'viewState', view });
  schedule();
}

const app = document.getElementById('app')!;
const ctx: ViewContext = { send, setView };
const documentView = new DocumentView();
const training = new TrainingView(ctx);
const cursor = [new PredictionsView(), new GatesView(ctx), new HeatmapView(ctx)];
const units = new InsightView(ctx);
const inspector = new InspectorView(ctx);
const lab = [
  new SampleView(ctx),
  new MemoryView(ctx),
  new InterventionView(ctx),
  new CompareView(ctx),
  new RecallView(ctx),
];
const views: View[] = [documentView, training, ...cursor, units, inspector, ...lab];

/** A section opened or closed: remembered, and its canvases drawn for the width they have now. */
function toggled(id: SectionId, open: boolean): void {
  sectionsOpen = withSection(sectionsOpen, id, open);
  persist();
  if (open) forceRepaint();
}
const section = (id: SectionId, title: string, parts: View[]) =>
  new PanelSection(id, title, parts, sectionIsOpen(sectionsOpen, id), toggled);
const sections = [
  section('training', 'Training', [training]),
  section('cursor', 'Cursor', cursor),
  section('units', 'Units', [units, inspector]),
  section('lab', 'Lab', lab),
];
app.append(documentView.root, ...sections.map((s) => s.root));

function schedule(): void {
  if (frame) return;
  frame = requestAnimationFrame(paint);
}

function paint(): void {
  frame = 0;
  for (const v of views) v.update(state);
  for (const s of sections) s.update(state);
  app.setAttribute('aria-busy', 'false');
  for (const p of onePerFrame(pendingPaints)) recordPaint(p);
  pendingPaints = [];
}

/** Notes a new cursor and a newly accepted prediction, to time their paint (see paintTimings.ts). */
function timePaints(before: WebviewState, receivedAt: number): void {
  const at = (c: { version: number; offset: number }) => ({ version: c.version, offset: c.offset, receivedAt });
  if (state.cursor && state.cursor !== before.cursor) pendingPaints.push({ ...at(state.cursor), kind: 'cursor' });
  if (state.prediction && state.predictionFor && state.prediction !== before.prediction)
    pendingPaints.push({ ...at(state.predictionFor), kind: 'prediction' });
}

/** One record per position and frame: a cursor painted together with its prediction counts as the prediction. */
function onePerFrame(paints: PendingPaint[]): PendingPaint[] {
  const answered = (p: PendingPaint) =>
    paints.some((q) => q.kind === 'prediction' && q.version === p.version && q.offset === p.offset);
  return paints.filter((p) => p.kind === 'prediction' || !answered(p));
}

/** Theme, size or pixel ratio changed: every canvas repaints (new slice identities make the views redraw). */
function forceRepaint(): void {
  state = { ...state, view: { ...state.view }, training: state.training ? { ...state.training } : null };
  schedule();
}
onCanvasEnvironmentChange(forceRepaint);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostToWebview(event.data);
  if (!message) {
    console.warn('LSTM Lens: dropped a malformed message from the host');
    return;
  }
  const before = state;
  state = reduce(state, message);
  if (state === before) return;
  if (message.type === 'snapshot') document.body.dataset.ready = 'true';
  if (message.type === 'snapshot' || state.view !== before.view || state.document?.uri !== before.document?.uri)
    persist();
  if (message.type !== 'snapshot') timePaints(before, performance.now());
  schedule();
});

// Tell tests (and ourselves) about any CSP violation: the policy must never block our own code.
document.addEventListener('securitypolicyviolation', (e) => {
  const count = Number(document.body.dataset.cspViolations ?? '0') + 1;
  document.body.dataset.cspViolations = String(count);
  console.warn(`LSTM Lens: CSP blocked ${e.blockedURI} (${e.violatedDirective})`);
});

send({ type: 'ready' });
