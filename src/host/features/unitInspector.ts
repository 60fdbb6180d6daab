// The unit inspector and the probes on the host: keeps each document's fitted probes (their weights stay here,
// the panel gets summaries), asks the worker for the pinned unit's or probe's top and bottom contexts whenever
// the pin changes, colours the editor by a pinned probe, and jumps the editor to a context the panel clicked.

import * as vscode from 'vscode';
import type { ProbeWire } from '../../protocol/insight';
import type { InsightFeature as Feature, InspectTarget } from '../../shared/protocol';
import type { DocumentSession } from '../core/documentSession';
import type { LensServices } from '../core/services';
import type { InsightOverlays } from './insightOverlays';

/** How long an inspection may take: one model step per character of the document, in the worker. */
const INSPECT_TIMEOUT_MS = 120_000;

export class UnitInspector {
  private readonly probes = new WeakMap<DocumentSession, ProbeWire[]>();
  private generation = 0;
  /** What was last inspected (a key of the target), so a view change that keeps the pin asks nothing. */
  private inspected = '';

  constructor(
    private readonly s: LensServices,
    private readonly overlays: () => InsightOverlays,
  ) {}

  /** The probes labelUnits fitted for a document (summaries go to the panel through session.insight). */
  setProbes(session: DocumentSession, probes: ProbeWire[]): void {
    this.probes.set(session, probes);
    session.insight.probes = probes.map(({ feature, metric, score, units }) => ({ feature, metric, score, units }));
  }

  /** The shown document's pinned probe, with its weights (the probe overlay colours by it). */
  pinned(): ProbeWire | null {
    const session = this.s.registry.current;
    const feature = session?.insight.pinnedProbe;
    return (feature && this.probes.get(session)?.find((p) => p.feature === feature)) || null;
  }

  /** Pins a probe: the editor is coloured by its output and the inspector shows where it is highest and lowest. */
  pinProbe(feature: Feature): void {
    const session = this.s.registry.current;
    if (!session || !this.probes.get(session)?.some((p) => p.feature === feature)) return;
    session.insight.pinnedProbe = feature;
    this.s.panel.store.mark('insight');
    this.overlays().set('probe');
    this.overlays().schedule(0);
    void this.inspect({ kind: 'probe', feature });
  }

  /** The view changed: a newly pinned unit replaces the pinned probe and is inspected. */
  viewChanged(): void {
    const session = this.s.registry.current;
    const { pinnedUnit, pinnedLayer, selectedGate } = this.s.panel.view;
    if (!session || pinnedUnit === null) return;
    const target: InspectTarget = { kind: 'unit', layer: pinnedLayer, gate: selectedGate, unit: pinnedUnit };
    if (keyOf(target) === this.inspected) return;
    session.insight.pinnedProbe = null;
    void this.inspect(target);
  }

  /** Inspects again what is pinned (a new model). */
  refresh(): void {
    const session = this.s.registry.current;
    if (!session) return;
    this.inspected = '';
    if (session.insight.pinnedProbe) void this.inspect({ kind: 'probe', feature: session.insight.pinnedProbe });
    else this.viewChanged();
  }

  /** Asks the worker for the target's contexts; only the newest request's answer is kept. */
  async inspect(target: InspectTarget): Promise<void> {
    const { registry, trainer, panel } = this.s;
    const doc = registry.currentDocument;
    const session = doc ? registry.peek(doc.uri.toString()) : undefined;
    if (!doc || !session?.hasModel) return;
    const probe = target.kind === 'probe' ? this.probes.get(session)?.find((p) => p.feature === target.feature) : null;
    if (target.kind === 'probe' && !probe) return;
    const generation = ++this.generation;
    this.inspected = keyOf(target);
    const info = session.insight;
    info.inspectorState = 'computing';
    panel.store.mark('insight');
    try {
      registry.sync(doc);
      const answer = await trainer.call(
        'inspect',
        {
          docId: session.docId,
          target,
          ...(probe ? { probe: { weights: probe.weights.slice(), bias: probe.bias } } : {}),
        },
        { timeoutMs: INSPECT_TIMEOUT_MS },
      );
      if (generation !== this.generation) return;
      const { version: _version, ...inspection } = answer;
      info.inspector = inspection;
      info.inspectorState = 'ready';
    } catch (err) {
      if (generation !== this.generation) return;
      info.inspectorState = 'failed';
      info.inspector = null;
      this.s.log.warn(`Inspector: ${(err as Error).message}`);
    }
    panel.store.mark('insight');
  }

  /** Shows [start, end) of the shown document in its editor, selected (the cursor at its start) and centred. */
  async reveal(start: number, end: number): Promise<void> {
    const editor = this.s.registry.currentEditor;
    if (!editor) return;
    const doc = editor.document;
    const len = doc.getText().length;
    const range = new vscode.Range(doc.positionAt(Math.min(start, len)), doc.positionAt(Math.min(end, len)));
    const shown = await vscode.window.showTextDocument(doc, { viewColumn: editor.viewColumn, preserveFocus: false });
    shown.selection = new vscode.Selection(range.end, range.start); // the option takes a Range: the cursor would end up after it
    shown.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}

function keyOf(t: InspectTarget): string {
  return t.kind === 'unit' ? `unit:${t.layer}:${t.gate}:${t.unit}` : `probe:${t.feature}`;
}
