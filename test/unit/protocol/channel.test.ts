// The channel settles calls by id, refuses malformed params before a handler runs, drops what is no
// envelope or comes late, times out, fails every waiting call at once, and checks events.
import * as assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import * as v from 'valibot';
import { Channel, Transferring } from '../../../src/protocol/channel';
import { int } from '../../../src/protocol/schema';

const contract = {
  calls: {
    add: { params: v.object({ a: int(), b: int() }), result: v.number() },
    slow: { params: v.object({}), result: v.string() },
    buffer: { params: v.object({ n: int() }), result: v.instance(ArrayBuffer) },
    lie: { params: v.object({}), result: v.string() },
  },
  notifications: { note: v.object({ text: v.string() }) },
  events: { tick: v.object({ n: int() }) },
};

type C = typeof contract;

/** A serving and a calling channel over a real MessageChannel (structured clone, transfers). */
function pair() {
  const { port1, port2 } = new MessageChannel();
  const problems: string[] = [];
  const notes: string[] = [];
  const host = new Channel<C['calls'], C['notifications'], C['events']>({
    contract,
    post: (m, t) => port1.postMessage(m, t),
    onProblem: (why) => problems.push(`host: ${why}`),
    peer: 'The test worker',
  });
  const worker = new Channel<C['calls'], C['notifications'], C['events']>({
    contract,
    post: (m, t) => port2.postMessage(m, t),
    onProblem: (why) => problems.push(`worker: ${why}`),
  });
  port1.on('message', (raw) => host.receive(raw));
  port2.on('message', (raw) => worker.receive(raw));
  worker.serve({
    add: ({ a, b }) => a + b,
    slow: () => new Promise<string>(() => {}),
    buffer: ({ n }) => {
      const b = new ArrayBuffer(n);
      return new Transferring(b, [b]);
    },
    lie: () => 42 as unknown as string,
    note: ({ text }) => {
      if (text === 'boom') throw new Error('boom');
      notes.push(text);
    },
  });
  const close = () => {
    port1.close();
    port2.close();
  };
  return { host, worker, problems, notes, port1, port2, close };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('protocol/channel', () => {
  it('answers a call with its checked result, and moves transferred buffers', async () => {
    const { host, close } = pair();
    assert.equal(await host.call('add', { a: 2, b: 3 }), 5);
    const buf = await host.call('buffer', { n: 16 });
    assert.ok(buf instanceof ArrayBuffer);
    assert.equal(buf.byteLength, 16);
    assert.equal(host.waiting, 0);
    close();
  });

  it('rejects malformed params with the serving side’s reason, before the handler runs', async () => {
    const { host, close } = pair();
    await assert.rejects(host.call('add', { a: 2, b: -1 }), /malformed add params/);
    await assert.rejects(host.call('add', { a: 2 } as never), /malformed add params/);
    close();
  });

  it('rejects a result that breaks its schema (a lying worker) and a handler’s error as its message', async () => {
    const { host, worker, problems, close } = pair();
    await assert.rejects(host.call('lie', {}), /Malformed answer to lie/);
    assert.ok(problems.some((p) => p.startsWith('host: malformed lie result')));
    worker.serve({
      add: () => {
        throw new Error('No model yet: train or import one first');
      },
      slow: () => '',
      buffer: () => new ArrayBuffer(0),
      lie: () => Promise.reject(new Error('Stale request')),
      note: () => undefined,
    });
    await assert.rejects(host.call('add', { a: 1, b: 1 }), /^Error: No model yet/);
    await assert.rejects(host.call('lie', {}), /^Error: Stale request$/);
    close();
  });

  it('times out, then drops the late answer', async () => {
    const { host, worker, problems, close } = pair();
    let answer: (s: string) => void = () => {};
    worker.serve({
      add: ({ a, b }) => a + b,
      slow: () => new Promise<string>((r) => (answer = r)),
      buffer: () => new ArrayBuffer(0),
      lie: () => '',
      note: () => undefined,
    });
    await assert.rejects(host.call('slow', {}, { timeoutMs: 10 }), /The test worker did not answer slow within 10 ms/);
    answer('too late');
    await settle();
    assert.ok(
      problems.some((p) => /late answer \d+ dropped/.test(p)),
      problems.join('\n'),
    );
    close();
  });

  it('fails every waiting call at once (the worker crashed)', async () => {
    const { host, close } = pair();
    const a = host.call('slow', {});
    const b = host.call('slow', {});
    assert.equal(host.waiting, 2);
    host.failAll('The trainer worker stopped unexpectedly');
    await assert.rejects(a, /stopped unexpectedly/);
    await assert.rejects(b, /stopped unexpectedly/);
    assert.equal(host.waiting, 0);
    close();
  });

  it('delivers notifications in order and reports a failing or malformed one instead of answering', async () => {
    const { host, problems, notes, close } = pair();
    host.notify('note', { text: 'one' });
    host.notify('note', { text: 'boom' });
    host.notify('note', { text: 7 } as never);
    host.notify('note', { text: 'two' });
    await settle();
    assert.deepEqual(notes, ['one', 'two']);
    assert.ok(problems.includes('worker: note failed: boom'), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('worker: malformed note params')));
    close();
  });

  it('drops what is no envelope, refuses unknown methods, and checks events', async () => {
    const { host, worker, problems, port1, port2, close } = pair();
    const ticks: number[] = [];
    host.on('tick', ({ n }) => ticks.push(n));
    port1.postMessage({ type: 'predict' });
    port1.postMessage(null);
    port1.postMessage({ id: 99, method: 'rm -rf', params: {} });
    port1.postMessage({ method: 'add', params: { a: 1, b: 2 } }); // a call sent as a notification
    port2.postMessage({ id: -1, ok: 1 });
    worker.emit('tick', { n: 1 });
    worker.emit('tick', { n: -5 });
    port2.postMessage({ event: 'nope', params: {} });
    worker.emit('tick', { n: 2 });
    await settle();
    assert.deepEqual(ticks, [1, 2]);
    assert.equal(problems.filter((p) => p === 'worker: dropped a message that is no envelope').length, 2);
    assert.ok(problems.includes('worker: add is a call: send it with an id'), problems.join('\n'));
    assert.ok(problems.includes('host: dropped a message that is no envelope'));
    assert.ok(problems.some((p) => p.startsWith('host: malformed tick event')));
    assert.ok(problems.includes('host: unknown event nope'));
    close();
  });
});
