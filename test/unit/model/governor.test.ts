// The thread governor: alternates steps with and without helpers in a probe, keeps helpers only when they
// pay by minGain, measures again later, and says so; helpers gone means one thread for good.
import * as assert from 'node:assert/strict';
import { DEFAULT_PARALLEL_CONFIG, plannedThreads, shardSizes, ThreadGovernor } from '../../../src/model/parallel';
import { JsArena } from '../../../src/model/arena';

const cfg = { ...DEFAULT_PARALLEL_CONFIG, probeSteps: 3, probeEverySec: 10, minGain: 1.15 };

/** Runs steps until the governor has no probe pending; `ms(mode)` is the time a step takes. */
function drive(g: ThreadGovernor, ms: (m: 'parallel' | 'local') => number, steps: number): string[] {
  const modes: string[] = [];
  for (let k = 0; k < steps; k++) {
    const m = g.next();
    modes.push(m);
    g.record(m, ms(m));
  }
  return modes;
}

describe('model/thread governor', () => {
  it('keeps the helpers when they pay, and says how many threads train and why', () => {
    let now = 0;
    const g = new ThreadGovernor(3, cfg, '3 threads train', () => now);
    const modes = drive(g, (m) => (m === 'parallel' ? 20 : 50), 12);
    assert.deepEqual(modes.slice(0, 8), [
      'parallel',
      'local',
      'parallel',
      'local',
      'parallel',
      'local',
      'parallel',
      'local',
    ]);
    assert.deepEqual(modes.slice(8), ['parallel', 'parallel', 'parallel', 'parallel']);
    assert.equal(g.mode, 'parallel');
    assert.equal(g.gain, 2.5);
    assert.match(g.note, /^3 threads train: helpers make steps 2\.50× as fast/);
    now = 10_001; // the next probe is due
    assert.deepEqual(
      drive(g, (m) => (m === 'parallel' ? 60 : 50), 7),
      ['parallel', 'local', 'parallel', 'local', 'parallel', 'local', 'local'],
    );
    assert.equal(g.mode, 'local');
    assert.match(g.note, /^1 thread trains: 2 helper threads made steps only 0\.83× as fast/);
  });

  it('falls back when the gain is below minGain (noise is not a gain)', () => {
    const g = new ThreadGovernor(2, cfg, undefined, () => 0);
    drive(g, (m) => (m === 'parallel' ? 45 : 50), 8);
    assert.equal(g.mode, 'local');
    assert.ok(Math.abs(g.gain - 50 / 45) < 1e-9);
  });

  it('one thread for good once the helpers are gone', () => {
    const g = new ThreadGovernor(2, cfg, undefined, () => 0);
    const v = g.version;
    g.helpersGone('the helper thread stopped (it exited)');
    assert.equal(g.next(), 'local');
    assert.ok(g.version > v);
    assert.equal(
      g.note,
      '1 thread trains: the helper thread stopped (it exited); training goes on with the same weights',
    );
  });

  it('plans one thread per core up to the cap, and shards with the trainer never the largest', () => {
    const wasm = { kind: 'wasm' } as unknown as JsArena;
    assert.equal(plannedThreads(32, 2, wasm).threads, 2);
    assert.equal(plannedThreads(32, 16, wasm).threads, DEFAULT_PARALLEL_CONFIG.maxThreads);
    assert.equal(plannedThreads(12, 8, wasm).threads, 1);
    assert.equal(plannedThreads(32, 1, wasm).threads, 1);
    assert.equal(plannedThreads(32, 8, new JsArena()).threads, 1);
    assert.deepEqual(shardSizes(32, 2), [16, 16]);
    assert.deepEqual(shardSizes(32, 3), [10, 11, 11]);
    assert.deepEqual(shardSizes(12, 5), [2, 2, 2, 3, 3]);
    for (const [B, K] of [
      [32, 4],
      [7, 3],
      [1, 1],
    ])
      assert.equal(
        shardSizes(B, K).reduce((a, b) => a + b),
        B,
      );
  });
});
