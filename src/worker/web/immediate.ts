// setImmediate for the web trainer worker: the model yields between training slices with it (a macrotask,
// so host messages are handled in between), and a Web Worker has none. A MessageChannel message is a
// macrotask without setTimeout's 4 ms clamp. This worker is ours alone, so filling in the global is safe.

type Immediate = { id: number };

export function installSetImmediate(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  if (typeof g.setImmediate === 'function') return;
  type Port = { onmessage: (() => void) | null; postMessage(m: unknown): void };
  const channel = new MessageChannel() as unknown as { port1: Port; port2: Port };
  const pending = new Map<number, () => void>();
  const order: number[] = [];
  let next = 1;
  channel.port1.onmessage = () => {
    const id = order.shift();
    const fn = id === undefined ? undefined : pending.get(id);
    if (id !== undefined) pending.delete(id);
    fn?.();
  };
  g.setImmediate = (fn: (...args: unknown[]) => void, ...args: unknown[]): Immediate => {
    const id = next++;
    pending.set(id, () => fn(...args));
    order.push(id);
    channel.port2.postMessage(0);
    return { id };
  };
  g.clearImmediate = (h: Immediate | undefined) => {
    if (h) pending.delete(h.id);
  };
}
