// Early stopping: watches held-out bits per character and says when it has stopped improving, so a run keeps
// its best weights and does not burn the rest of its budget overfitting.
//
// The stop waits for the held-out curve to stay above its best over a window that grows with the run: at
// least `patience` evaluations, and (when set) a share of the run's evaluations so far and a number of epochs
// since the best. A fixed count of evaluations is tuned to one text size: on a 100 KB file 20 s are many
// epochs, on a 4.6 MB one a sixth of an epoch, where a curve still falling slowly through its noise shows
// flat stretches that long. "No new best over the window" is the same test as the checkpoint's: the curve
// has not fallen by `minDelta` plus its noise since the best, so the weights kept would not have changed.

export interface PlateauOptions {
  /** Evaluations in a row without a new best before the run may stop (0: it never stops early). */
  patience: number;
  /** A new best must beat the old one by at least this many bits per character. */
  minDelta: number;
  /**
   * The wait must also cover this fraction of the run's evaluations so far (0 or absent: patience alone), so
   * a run stops once its best is that share of the run old: the window grows with the run.
   */
  runFraction?: number;
  /**
   * The wait must also cover this many epochs of training since the best (or since the run began, when the
   * best is a continued run's); needs the epoch at each observation. 0 or absent: no epoch condition.
   */
  epochs?: number;
}

export interface BestPoint {
  step: number;
  heldOutBpc: number;
}

export class Plateau {
  private bestPoint: BestPoint | null = null;
  private since = 0;
  private evaluations = 0;
  /** Epoch of the last new best, or of this run's first evaluation until there is one. */
  private sinceEpoch: number | null = null;
  private lastEpoch: number | null = null;

  /** `initial`: the best point so far when a run continues an earlier one (only beating it counts). */
  constructor(
    readonly options: PlateauOptions,
    initial: BestPoint | null = null,
  ) {
    this.bestPoint = initial;
  }

  /** Records one held-out evaluation (at `epoch` of training, when known); true when it is a new best. */
  observe(step: number, heldOutBpc: number, epoch?: number): boolean {
    this.evaluations++;
    if (epoch !== undefined) {
      this.lastEpoch = epoch;
      this.sinceEpoch ??= epoch;
    }
    if (!Number.isFinite(heldOutBpc)) {
      this.since++;
      return false;
    }
    if (this.bestPoint === null || heldOutBpc < this.bestPoint.heldOutBpc - this.options.minDelta) {
      this.bestPoint = { step, heldOutBpc };
      this.since = 0;
      if (epoch !== undefined) this.sinceEpoch = epoch;
      return true;
    }
    this.since++;
    return false;
  }

  get best(): BestPoint | null {
    return this.bestPoint;
  }

  /** Evaluations since the last new best. */
  get waited(): number {
    return this.since;
  }

  /** Evaluations the wait must reach now: the longer of patience and the run's share (grows with the run). */
  get window(): number {
    const { patience, runFraction = 0 } = this.options;
    return Math.max(patience, Math.ceil(runFraction * this.evaluations));
  }

  /** Epochs of training since the last new best (since the run began before one); null if never told. */
  get epochsWaited(): number | null {
    return this.lastEpoch === null || this.sinceEpoch === null ? null : this.lastEpoch - this.sinceEpoch;
  }

  /** The wait covers the whole window: the held-out curve has stopped improving. */
  get exhausted(): boolean {
    const { patience, epochs = 0 } = this.options;
    if (patience <= 0 || this.since < this.window) return false;
    const e = this.epochsWaited;
    return epochs <= 0 || e === null || e >= epochs;
  }
}
