// The cursor throttle sends the first move at once, collapses bursts, and numbers every send.
import * as assert from 'node:assert/strict';
import { CursorRequest, CursorSync, Scheduler } from '../../../src/host/features/cursorSync';

/** A hand-driven clock: nothing here depends on real time. */
class FakeScheduler implements Scheduler {
  time = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.time = next.at;
      next.fn();
    }
    this.time = until;
  }
}

const req = (offset: number, version = 1): CursorRequest => ({ docUri: 'file:///a', version, offset });

describe('CursorSync', () => {
  it('sends the first move immediately and the last of a burst once the interval passes', () => {
    const clock = new FakeScheduler();
    const sent: [number, number][] = [];
    const sync = new CursorSync((r, seq) => sent.push([r.offset, seq]), 16, clock);
    sync.update(req(1));
    assert.deepEqual(sent, [[1, 1]]);
    for (let i = 2; i <= 10; i++) {
      clock.advance(1);
      sync.update(req(i));
    }
    assert.deepEqual(sent, [[1, 1]], 'moves inside the interval wait');
    clock.advance(16);
    assert.deepEqual(sent, [
      [1, 1],
      [10, 2],
    ]);
    assert.equal(sync.latestSequence, 2);
  });

  it('sends at most one request per interval under 100 moves per second for a second', () => {
    const clock = new FakeScheduler();
    let count = 0;
    let last = -1;
    const sync = new CursorSync(
      (r) => {
        count++;
        last = r.offset;
      },
      16,
      clock,
    );
    for (let i = 0; i < 100; i++) {
      sync.update(req(i));
      clock.advance(10);
    }
    clock.advance(100);
    assert.equal(last, 99, 'the final position is always sent');
    assert.ok(count <= 1000 / 16 + 2, `sent ${count}`);
    assert.ok(count >= 50, `sent ${count}`);
  });

  it('a move after a quiet spell goes out at once again', () => {
    const clock = new FakeScheduler();
    const sent: number[] = [];
    const sync = new CursorSync((r) => sent.push(r.offset), 16, clock);
    sync.update(req(1));
    clock.advance(100);
    sync.update(req(2));
    assert.deepEqual(sent, [1, 2]);
  });

  it('dispose cancels a pending send', () => {
    const clock = new FakeScheduler();
    const sent: number[] = [];
    const sync = new CursorSync((r) => sent.push(r.offset), 16, clock);
    sync.update(req(1));
    sync.update(req(2));
    sync.dispose();
    clock.advance(100);
    assert.deepEqual(sent, [1]);
  });
});
