// The trainer worker: owns documents, models, training runs and cursor inference behind the RPC contract
// in protocol/trainerApi.ts, off the extension-host thread. Training yields every ~10 ms, so predictions,
// edits and stop requests are answered while it runs. Each feature's handlers live in their own file;
// this one starts the back-end and serves them all on the one channel (./port.ts), on whichever platform
// the entry gives it (trainerWorker.ts under Node, trainerWorker.web.ts in VS Code for the Web).
import type { EngineBackend } from '../model/engineBackend';
import type { Handlers } from '../protocol/channel';
import type { TrainerCalls, TrainerNotifications } from '../protocol/trainerApi';
import { insightHandlers } from './analysis';
import { docs, documentHandlers, useInferenceArena } from './documents';
import { labHandlers } from './lab';
import { persistenceHandlers } from './persistence';
import { errText } from './answering';
import { backend, usePlatform, type WorkerPlatform } from './platform';
import { channel, log } from './port';
import { predictHandlers } from './predict';
import { trainingHandlers } from './training';

export function serveTrainer(p: WorkerPlatform): void {
  usePlatform(p);
  const backendReady: Promise<EngineBackend> = backend('wasm', log);
  const threads = `${p.kind}: ${p.threads.available} thread${p.threads.available === 1 ? '' : 's'} available (${p.threads.why})`;
  backendReady.then(
    (b) => {
      useInferenceArena(b.arena);
      channel.emit('ready', { backend: b.name, detail: `${b.detail}; ${threads}` });
    },
    (e) => channel.emit('ready', { backend: 'none', detail: `no back-end: ${errText(e)}` }),
  );
  channel.serve(handlers);
  // Every message waits for the back-end (compute may need it); all wait on the same promise, so they are
  // handled in the order they arrived.
  p.host.onMessage((raw: unknown) => {
    const receive = () => channel.receive(raw);
    backendReady.then(receive, receive);
  });
}

const handlers: Handlers<TrainerCalls, TrainerNotifications> = {
  ...documentHandlers,
  ...trainingHandlers,
  ...predictHandlers,
  ...persistenceHandlers,
  // Editor insight (overlays, hovers, find units, labels): ./analysis.ts.
  ...insightHandlers((docId) => docs.get(docId)),
  // The long-term-dependency lab (sample, intervene, memory span, cell comparison, recall experiment): ./lab.ts.
  ...labHandlers(
    (docId) => docs.get(docId),
    (p) => channel.emit('compareProgress', p),
    (p) => channel.emit('recallProgress', p),
  ),
};
