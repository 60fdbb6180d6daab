// The busy meter names the longest handler and tells its own time from time spent waiting for a CPU.
import * as assert from 'node:assert/strict';
import { BusyMeter } from '../../../src/host/core/busyMeter';
import { LinuxRunQueueClock } from '../../../src/host/core/runQueueClock';

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy on purpose
  }
}

describe('host/busyMeter', () => {
  it('records the worst handler by wall time and by own time', () => {
    const meter = new BusyMeter(new LinuxRunQueueClock());
    try {
      assert.equal(
        meter.time('quick', () => 7),
        7,
      );
      meter.time('slow', () => spin(15));
      const s = meter.snapshot();
      assert.equal(s.calls, 2);
      assert.equal(s.worstHandler, 'slow');
      assert.ok(s.worstMs >= 15, `wall ${s.worstMs}`);
      assert.ok(s.worstOwnMs <= s.worstMs + 1e-9, 'own time never exceeds wall time');
      if (process.platform === 'linux') assert.ok(s.runQueueMeasured, 'Linux exposes the run queue wait');
      meter.reset();
      assert.deepEqual(
        { ...meter.snapshot(), runQueueMeasured: true },
        {
          worstMs: 0,
          worstHandler: '',
          worstOwnMs: 0,
          worstOwnHandler: '',
          runQueueMeasured: true,
          calls: 0,
          meanMs: 0,
        },
      );
    } finally {
      meter.dispose();
    }
  });

  it('still times a handler that throws', () => {
    const meter = new BusyMeter(new LinuxRunQueueClock());
    assert.throws(() =>
      meter.time('boom', () => {
        throw new Error('x');
      }),
    );
    assert.equal(meter.snapshot().calls, 1, 'the throwing call was counted');
    meter.dispose();
  });
});
