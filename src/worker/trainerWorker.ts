// Placeholder: the trainer worker (owned by the engine work) runs the model off the extension-host thread.
import { parentPort } from 'node:worker_threads';

parentPort?.postMessage({ type: 'ready', backend: 'none', detail: 'placeholder worker' });
