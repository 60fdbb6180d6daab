// What the webview may ask of the host, checked on arrival: a webview is a frame the host does not trust.
// (Host → webview needs no check: the host is the only sender, and the types already bind it.)
import * as v from 'valibot';
import {
  COMPARE_MATCHES,
  GATE_NAMES,
  INSIGHT_FEATURES,
  LIMITS,
  WEBVIEW_COMMANDS,
  type InterventionSpec,
  type ViewState,
  type WebviewToHost,
} from '../shared/protocol';
import { interventionSpec } from './lab';
import { int, num, schemaFor } from './schema';

export const viewState = schemaFor<ViewState>()(
  v.object({
    selectedGate: v.picklist(GATE_NAMES),
    pinnedUnit: v.nullable(int({ min: 0, max: LIMITS.hiddenSize.max - 1 })),
    pinnedLayer: int({ min: 0, max: LIMITS.layers.max - 1 }),
  }),
);

const temperature = num(LIMITS.temperature);

export const webviewToHost = schemaFor<WebviewToHost>()(
  v.variant('type', [
    v.object({ type: v.literal('ready') }),
    v.object({ type: v.literal('command'), command: v.picklist(WEBVIEW_COMMANDS) }),
    v.object({ type: v.literal('viewState'), view: viewState }),
    v.object({ type: v.literal('sample'), temperature }),
    v.object({ type: v.literal('measureMemory') }),
    v.object({ type: v.literal('followMemory'), on: v.boolean() }),
    v.object({ type: v.literal('intervene'), spec: interventionSpec, temperature }),
    v.object({ type: v.literal('resetIntervention') }),
    v.object({ type: v.literal('compareCells'), match: v.picklist(COMPARE_MATCHES) }),
    v.object({ type: v.literal('stopCompare') }),
    v.object({ type: v.literal('pinProbe'), feature: v.picklist(INSIGHT_FEATURES) }),
    v.object({
      type: v.literal('reveal'),
      start: int(),
      end: int(),
    }),
    v.object({ type: v.literal('runRecall'), match: v.picklist(COMPARE_MATCHES) }),
    v.object({ type: v.literal('stopRecall') }),
  ]),
);

/** A message from the webview, with only its known fields; undefined for anything malformed or unknown. */
export function parseWebviewMessage(raw: unknown): WebviewToHost | undefined {
  const r = v.safeParse(webviewToHost, raw);
  return r.success ? r.output : undefined;
}

/** Clamp values a user may ask for: the one definition the worker checks too (see protocol/lab.ts). */
export function parseInterventionSpec(raw: unknown): InterventionSpec | undefined {
  const r = v.safeParse(interventionSpec, raw);
  return r.success ? r.output : undefined;
}

/** The webview's persisted state, when it is well-formed. */
export function parseViewState(raw: unknown): ViewState | undefined {
  const r = v.safeParse(viewState, raw);
  return r.success ? r.output : undefined;
}
