// How many threads train, and whether the helper threads still pay: one config table (the extension's
// trainer worker, the CLI `train` and the benchmark all read it), the shard layout, and the governor that
// times steps with and without helpers at the start and then periodically, and falls back when they
// do not pay. Which mode a step runs in never changes the numbers (see gradShard.ts), only the speed.
import type { Arena } from './arena';

export interface ParallelConfig {
  /** Most threads one training run uses (the trainer's own plus helpers). */
  maxThreads: number;
  /** Fewest streams per thread: below this a shard's matmuls are too narrow to be worth a thread. */
  minStreamsPerThread: number;
  /** Steps timed in each mode per probe (the median of each decides). */
  probeSteps: number;
  /** Seconds between probes while training (the machine's load changes within a run). */
  probeEverySec: number;
  /** Helpers stay only if steps with them are at least this many times as fast as without. */
  minGain: number;
  /** A helper that has not started in this time counts as failed. */
  startTimeoutMs: number;
}

export const DEFAULT_PARALLEL_CONFIG: ParallelConfig = {
  maxThreads: 4, // bench --cells --shards, H=128 (two runs, loaded machine): a B=8 shard costs 0.24-0.25 of B=32, B=6 0.19-0.22; only 2 cores were there to check real threads
  minStreamsPerThread: 8, // keeps shards at ≥ 8 streams, where a shard step still costs about its share (B=32 → at most 4 threads)
  probeSteps: 4, // ~0.2 s of steps per mode at H=128: enough for a median, short next to a 2-minute run
  probeEverySec: 30, // re-measured twice a minute, so a machine that got busy (or idle) is followed
  minGain: 1.15, // a helper costs the user a core: keep it only for a clear gain, not for noise
  startTimeoutMs: 20000, // tfjs-wasm comes up in ~0.1-1 s; a thread that takes 20 s is not going to help
};

/** Threads a run over B streams uses on `cores` cores (1: the trainer's thread alone), and why not more. */
export function plannedThreads(
  B: number,
  cores: number,
  arena: Arena,
  cfg: ParallelConfig = DEFAULT_PARALLEL_CONFIG,
): { threads: number; why: string } {
  if (arena.kind !== 'wasm') return { threads: 1, why: 'the plain-JS back-end runs on one thread' };
  if (cores < 2) return { threads: 1, why: 'one core' };
  const byBatch = Math.floor(B / cfg.minStreamsPerThread);
  const threads = Math.max(1, Math.min(cfg.maxThreads, cores, byBatch));
  if (threads < 2)
    return { threads: 1, why: `${B} streams are too few to split (${cfg.minStreamsPerThread} per thread)` };
  return { threads, why: threads === cores ? 'one per core' : `capped at ${threads}` };
}

/** Streams per shard for K shards of B: shard 0 (the trainer's, which also runs Adam) is never the largest. */
export function shardSizes(B: number, K: number): number[] {
  const big = Math.ceil(B / K);
  const sizes = Array.from({ length: K }, () => big);
  let extra = big * K - B;
  for (let k = 0; extra > 0; k = (k + 1) % K, extra--) sizes[k]--;
  return sizes;
}

export type StepMode = 'parallel' | 'local';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Decides per step whether the helpers compute their shards (parallel) or the trainer's thread does
 * (local): a probe alternates the two for probeSteps each (after one warm-up step of each), keeps the
 * faster by minGain, and probes again every probeEverySec.
 */
export class ThreadGovernor {
  mode: StepMode;
  /** Says how many threads train and why (shown in the panel); `version` changes with it. */
  note: string;
  version = 0;
  /** Steps-per-second ratio with helpers ÷ without, from the last probe (NaN before one). */
  gain = NaN;
  private schedule: StepMode[] = [];
  private timed: Record<StepMode, number[]> = { parallel: [], local: [] };
  private warm = 0;
  private nextProbe = 0;
  private gone = false;

  constructor(
    readonly threads: number,
    private readonly cfg: ParallelConfig = DEFAULT_PARALLEL_CONFIG,
    note = threads > 1 ? `${threads} threads train` : '1 thread trains',
    private readonly clock: () => number = () => performance.now(),
    /** Helpers are still starting: one thread until begin(). */
    waiting = false,
  ) {
    this.mode = threads > 1 && !waiting ? 'parallel' : 'local';
    this.note = note;
    if (this.mode === 'parallel') this.startProbe(true);
  }

  /** The helpers that were starting are up: probe from the next step. */
  begin(): void {
    if (this.gone || this.threads < 2) return;
    this.mode = 'parallel';
    this.startProbe(true);
  }

  private startProbe(first: boolean): void {
    const s: StepMode[] = first ? ['parallel', 'local'] : []; // warm-up: the first step of each is slow
    for (let k = 0; k < this.cfg.probeSteps; k++) s.push('parallel', 'local');
    this.schedule = s;
    this.timed = { parallel: [], local: [] };
    this.warm = first ? 2 : 0;
  }

  /** The mode of the next step. */
  next(): StepMode {
    if (this.gone || this.threads < 2) return 'local';
    if (this.schedule.length === 0 && this.clock() >= this.nextProbe && this.nextProbe > 0) this.startProbe(false);
    return this.schedule.length > 0 ? this.schedule[0] : this.mode;
  }

  /** The step just run in `mode` took `ms`. */
  record(mode: StepMode, ms: number): void {
    if (this.schedule.length === 0 || this.schedule[0] !== mode) return;
    this.schedule.shift();
    if (this.warm > 0) this.warm--;
    else this.timed[mode].push(ms);
    if (this.schedule.length > 0) return;
    const gain = median(this.timed.local) / median(this.timed.parallel);
    this.gain = gain;
    const pays = gain >= this.cfg.minGain;
    this.mode = pays ? 'parallel' : 'local';
    const again = `measured again every ${this.cfg.probeEverySec} s`;
    this.setNote(
      pays
        ? `${this.threads} threads train: helpers make steps ${gain.toFixed(2)}× as fast (${again})`
        : `1 thread trains: ${this.threads - 1} helper thread${this.threads > 2 ? 's' : ''} made steps only ${gain.toFixed(2)}× as fast, the cores are busy (${again})`,
    );
    this.nextProbe = this.clock() + this.cfg.probeEverySec * 1000;
  }

  /** Every helper is gone (failed to start or died): one thread from now on. */
  helpersGone(why: string): void {
    if (this.gone) return;
    this.gone = true;
    this.mode = 'local';
    this.schedule = [];
    this.setNote(`1 thread trains: ${why}; training goes on with the same weights`);
  }

  private setNote(n: string): void {
    if (n === this.note) return;
    this.note = n;
    this.version++;
  }
}
