// The doorbell between two real threads: a thread that never turns its event loop still sees that a message
// was posted to it (and is no longer told so once the message arrived). This file is also the other thread.
import * as assert from 'node:assert/strict';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Doorbell } from '../../../src/protocol/doorbell';

interface Report {
  /** What the spinning thread saw, before its event loop turned. */
  sawWaiting?: boolean;
  /** What it saw once the message arrived. */
  afterArrival?: boolean;
}

if (!isMainThread && (workerData as { doorbellTest?: boolean } | null)?.doorbellTest) {
  const bell = Doorbell.from((workerData as { doorbell: unknown }).doorbell)!;
  const port = parentPort!;
  port.on('message', () => {
    bell.arrived();
    port.postMessage({ afterArrival: bell.waiting } satisfies Report);
  });
  port.postMessage('spinning');
  // Busy, as a training slice is: no event-loop turn until the doorbell says a message waits (or a bound of spins).
  for (let spins = 0; !bell.waiting && spins < 2e9; spins++);
  port.postMessage({ sawWaiting: bell.waiting } satisfies Report);
} else {
  describe('protocol/doorbell', function () {
    this.timeout(20000);
    it('tells a busy thread a message waits before its event loop turns, and not after it arrived', async () => {
      const bell = new Doorbell();
      const w = new Worker(__filename, { workerData: { doorbellTest: true, doorbell: bell.sab } });
      const reports: Report[] = [];
      await new Promise<void>((resolve, reject) => {
        w.on('error', reject);
        w.on('message', (m: 'spinning' | Report) => {
          if (m === 'spinning') {
            w.postMessage('a cursor query');
            bell.ring();
            return;
          }
          reports.push(m);
          if (reports.length === 2) resolve();
        });
      });
      await w.terminate();
      assert.deepEqual(reports, [{ sawWaiting: true }, { afterArrival: false }]);
    });

    it('is absent for a thread started without shared memory', () => {
      assert.equal(Doorbell.from(undefined), null);
      assert.equal(Doorbell.from(new ArrayBuffer(4)), null);
      const b = new Doorbell();
      assert.equal(b.waiting, false);
      b.ring();
      b.ring();
      const other = Doorbell.from(b.sab)!;
      assert.equal(other.waiting, true);
      other.arrived();
      assert.equal(other.waiting, true, 'one of two still waits');
      other.arrived();
      assert.equal(other.waiting, false);
    });
  });
}
