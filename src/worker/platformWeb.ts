// The trainer worker in VS Code for the Web: a classic Web Worker started from a blob by the extension
// host (host/core/platformWeb.ts). Its first message brings the .wasm binaries; everything after is the
// envelope of the trainer contract. No helper threads: without cross-origin isolation there is no
// SharedArrayBuffer, and with it the helper bundle is not built for the web yet, so training uses one thread.
import * as v from 'valibot';
import { webBoot, type WebBoot } from '../protocol/webBoot';
import type { WasmSource } from '../model/engineBackend';
import type { WorkerPlatform } from './platform';

/** What this file uses of a dedicated worker's global scope (the model world's types have no DOM). */
interface WorkerScope {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  crossOriginIsolated?: boolean;
}

export function webWorkerPlatform(): WorkerPlatform {
  const scope = globalThis as unknown as WorkerScope;
  let booted: (files: WebBoot) => void = () => {};
  const boot = new Promise<WebBoot>((resolve) => (booted = resolve));
  // Messages before the entry attaches its handler wait here (none are expected: it attaches at once).
  const early: unknown[] = [];
  let handler: (raw: unknown) => void = (raw) => early.push(raw);
  let seenBoot = false;
  scope.addEventListener('message', (e) => {
    const parsed = seenBoot ? undefined : v.safeParse(webBoot, e.data);
    if (parsed?.success) {
      seenBoot = true;
      booted(parsed.output);
      return;
    }
    handler(e.data);
  });
  const isolated = scope.crossOriginIsolated === true;
  const wasm: Promise<WasmSource> = boot.then((b) => ({ files: b.files, where: 'bytes from the web host' }));
  return {
    kind: 'web',
    host: {
      post: (message, transfer) => scope.postMessage(message, transfer),
      onMessage: (h) => {
        handler = h;
        for (const raw of early.splice(0)) h(raw);
      },
    },
    wasm,
    threads: {
      available: 1,
      why: isolated
        ? 'web worker, cross-origin isolated; helper threads are not built for the web yet'
        : 'web worker, not cross-origin isolated (no SharedArrayBuffer)',
    },
    helpers: null,
  };
}
