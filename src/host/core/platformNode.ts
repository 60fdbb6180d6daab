// The host platform in Node's extension host (desktop, remote, code-server): the trainer is a
// worker_threads thread from dist/worker.js; the run-queue clock reads Linux's /proc.
import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import type { HostPlatform, TrainerThread } from './platform';
import { LinuxRunQueueClock } from './runQueueClock';
import { Doorbell } from '../../protocol/doorbell';

export function nodeHostPlatform(extensionUri: vscode.Uri): HostPlatform {
  const workerPath = vscode.Uri.joinPath(extensionUri, 'dist', 'worker.js').fsPath;
  return {
    kind: 'node',
    trainerSource: workerPath,
    startTrainer: () => {
      // Rung after every post, so a training run yields at its next sub-step when a message waits.
      const doorbell = new Doorbell();
      return nodeThread(
        new Worker(workerPath, { name: 'lstm-lens-trainer', workerData: { doorbell: doorbell.sab } }),
        doorbell,
      );
    },
    runQueueClock: () => new LinuxRunQueueClock(),
    defer: (fn) => void setImmediate(fn),
  };
}

function nodeThread(worker: Worker, doorbell: Doorbell): TrainerThread {
  let quiet = false;
  return {
    post: (message, transfer) => {
      worker.postMessage(message, transfer);
      doorbell.ring();
    },
    onMessage: (handler) => void worker.on('message', handler),
    onError: (handler) => void worker.on('error', handler),
    onExit: (handler) =>
      void worker.on('exit', (code) => {
        if (!quiet) handler(`exit code ${code}`);
      }),
    terminate: async () => {
      quiet = true;
      worker.removeAllListeners('message');
      worker.removeAllListeners('error');
      await worker.terminate();
    },
    crash: async () => void (await worker.terminate()),
  };
}
