// The trainer worker's Node entry (dist/worker.js, a worker_threads thread of the extension host).
import { nodeWorkerPlatform } from './platformNode';
import { serveTrainer } from './serve';

// Binaries and helper bundles sit beside this bundle (scripts/build.mjs copies them into dist/).
serveTrainer(nodeWorkerPlatform(__dirname));
