// "Run this in a later macrotask" in every extension host: setImmediate under Node; in a Web Worker
// extension host (no setImmediate) a MessageChannel message, which browsers do not clamp as they clamp
// setTimeout(fn, 0) to 4 ms.

export interface Macrotask {
  readonly cancel: () => void;
}

interface ChannelGlobals {
  MessageChannel?: new () => {
    port1: { onmessage: (() => void) | null };
    port2: { postMessage(m: unknown): void };
  };
}

/** Runs fn in a later macrotask; cancel() before then and it never runs. */
export const later: (fn: () => void) => Macrotask =
  typeof setImmediate === 'function'
    ? (fn) => {
        const h = setImmediate(fn);
        return { cancel: () => clearImmediate(h) };
      }
    : channelLater();

function channelLater(): (fn: () => void) => Macrotask {
  const MC = (globalThis as unknown as ChannelGlobals).MessageChannel;
  if (!MC)
    return (fn) => {
      const h = setTimeout(fn, 0);
      return { cancel: () => clearTimeout(h) };
    };
  const channel = new MC();
  const queue: { fn: (() => void) | undefined }[] = [];
  channel.port1.onmessage = () => queue.shift()?.fn?.();
  return (fn) => {
    const entry: { fn: (() => void) | undefined } = { fn };
    queue.push(entry);
    channel.port2.postMessage(0);
    return { cancel: () => (entry.fn = undefined) };
  };
}
