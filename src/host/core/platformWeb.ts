// The host platform in VS Code for the Web (vscode.dev, github.dev, browser-hosted VS Code), whose extension
// host is a Web Worker without Node. The trainer is a classic script (dist/web/worker.js): VS Code refuses
// `new Worker(<extension URI>)`, so its text is read with workspace.fs and started from a blob; its first
// message carries the .wasm binaries, which a blob worker may not fetch. One thread: helper threads need
// SharedArrayBuffer, which exists only when the page is cross-origin isolated.
import * as vscode from 'vscode';
import type { Envelope } from '../../protocol/envelope';
import type { WebBoot } from '../../protocol/webBoot';
import { later } from './macrotask';
import type { HostPlatform, TrainerThread } from './platform';

/** What this file uses of the Web Worker API (the host's types have no DOM). */
interface WebWorker {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  addEventListener(type: 'error' | 'messageerror', listener: (e: { message?: string }) => void): void;
  terminate(): void;
}
interface WebGlobals {
  Worker?: new (url: string, options?: { name?: string }) => WebWorker;
  crossOriginIsolated?: boolean;
}
const web = globalThis as unknown as WebGlobals;

/** The binaries tfjs may pick without threads (see model/engineBackend.ts WASM_FILES). */
const WASM_FILES = ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'];

export function webHostPlatform(extensionUri: vscode.Uri): HostPlatform {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const bundle = vscode.Uri.joinPath(dist, 'web', 'worker.js');
  return {
    kind: 'web',
    trainerSource: `${bundle.toString()} (from a blob)`,
    startTrainer: () => webThread(bundle, dist),
    runQueueClock: () => undefined,
    defer: (fn) => void later(fn),
  };
}

async function readBytes(uri: vscode.Uri): Promise<ArrayBuffer> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function webThread(bundle: vscode.Uri, dist: vscode.Uri): TrainerThread {
  const messageHandlers: ((raw: unknown) => void)[] = [];
  const errorHandlers: ((e: unknown) => void)[] = [];
  const exitHandlers: ((why: string) => void)[] = [];
  /** Posts made before the worker exists go out, in order, once it does. */
  const early: [Envelope, ArrayBuffer[]][] = [];
  let worker: WebWorker | undefined;
  let url: string | undefined;
  let ended = false;
  const exit = (why: string) => {
    if (ended) return;
    ended = true;
    for (const h of exitHandlers) h(why);
  };
  const stop = () => {
    ended = true;
    worker?.terminate();
    if (url) URL.revokeObjectURL(url);
  };
  void (async () => {
    if (!web.Worker) throw new Error('this extension host has no Web Worker');
    const [script, ...wasm] = await Promise.all([
      vscode.workspace.fs.readFile(bundle),
      ...WASM_FILES.map((f) => readBytes(vscode.Uri.joinPath(dist, f))),
    ]);
    if (ended) return;
    url = URL.createObjectURL(new Blob([script], { type: 'text/javascript' }));
    const w = new web.Worker(url, { name: 'lstm-lens-trainer' });
    worker = w;
    w.addEventListener('message', (e) => {
      if (!ended) for (const h of messageHandlers) h(e.data);
    });
    w.addEventListener('error', (e) => {
      if (!ended) for (const h of errorHandlers) h(new Error(e.message ?? 'error in the trainer worker'));
    });
    const boot: WebBoot = {
      boot: 'lstm-lens',
      files: Object.fromEntries(WASM_FILES.map((f, i) => [f, wasm[i]])),
      isolated: web.crossOriginIsolated === true,
    };
    w.postMessage(boot, wasm);
    for (const [m, t] of early.splice(0)) w.postMessage(m, t);
  })().catch((e: unknown) => {
    for (const h of errorHandlers) h(e);
    exit(`the trainer worker could not start: ${e instanceof Error ? e.message : String(e)}`);
  });
  return {
    post: (message, transfer) => {
      if (ended) return;
      if (worker) worker.postMessage(message, transfer);
      else early.push([message, transfer]);
    },
    onMessage: (h) => void messageHandlers.push(h),
    onError: (h) => void errorHandlers.push(h),
    onExit: (h) => void exitHandlers.push(h),
    terminate: async () => {
      messageHandlers.length = 0;
      errorHandlers.length = 0;
      exitHandlers.length = 0;
      stop();
    },
    // A Web Worker that is terminated raises no event: the exit a crash would bring is raised here.
    crash: async () => {
      const handlers = [...exitHandlers];
      stop();
      for (const h of handlers) h('terminated');
    },
  };
}
