// Stands in for node:worker_threads in the web trainer bundle (scripts/build.mjs aliases it), so the model's
// helper-thread code bundles for a Web Worker. Nothing calls it there: the web platform reports one
// thread, and helper threads start through WorkerPlatform.helpers.
export class Worker {
  constructor() {
    throw new Error('worker_threads does not exist in VS Code for the Web; use WorkerPlatform.helpers');
  }
}
export const parentPort = null;
export const workerData = undefined;
