// The trainer worker: owns documents, models, training runs and cursor inference behind the RPC contract
// in protocol/trainerApi.ts, off the extension-host thread. Training yields every ~10 ms, so predictions,
// edits and stop requests are answered while it runs. Each feature's handlers live in their own file;
// this one starts the back-end and serves them all on the one channel (./port.ts).
import { initBackend, type EngineBackend } from '../model/backend';
import type { Handlers } from '../protocol/channel';
import type { TrainerCalls, TrainerNotifications } from '../protocol/trainerApi';
import { insightHandlers } from './analysis';
import { docs, documentHandlers, useInferenceArena } from './documents';
import { labHandlers } from './lab';
import { persistenceHandlers } from './persistence';
import { errText } from './answering';
import { channel, hostPort, log } from './port';
import { predictHandlers } from './predict';
import { trainingHandlers } from './training';

// Binaries sit beside this bundle (scripts/build.mjs copies them into dist/).
const backendReady: Promise<EngineBackend> = initBackend('wasm', { wasmDir: __dirname + '/', log });
backendReady.then(
  (b) => {
    useInferenceArena(b.arena);
    channel.emit('ready', { backend: b.name, detail: b.detail });
  },
  (e) => channel.emit('ready', { backend: 'none', detail: `no back-end: ${errText(e)}` }),
);

const handlers: Handlers<TrainerCalls, TrainerNotifications> = {
  ...documentHandlers,
  ...trainingHandlers,
  ...predictHandlers,
  ...persistenceHandlers,
  // Editor insight (overlays, hovers, find units, labels): ./analysis.ts.
  ...insightHandlers((docId) => docs.get(docId)),
  // The long-term-dependency lab (sample, intervene, memory span, cell comparison): ./lab.ts.
  ...labHandlers(
    (docId) => docs.get(docId),
    (p) => channel.emit('compareProgress', p),
    (p) => channel.emit('recallProgress', p),
  ),
};
channel.serve(handlers);

// Every message waits for the back-end (compute may need it); all wait on the same promise, so they are
// handled in the order they arrived.
hostPort.on('message', (raw: unknown) => {
  const receive = () => channel.receive(raw);
  backendReady.then(receive, receive);
});
