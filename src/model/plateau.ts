// Early stopping: watches held-out bits per character and says when it has stopped improving, so a run keeps
// its best weights and does not burn the rest of its budget overfitting.

export interface PlateauOptions {
  /** Evaluations in a row without a new best before the run stops. */
  patience: number;
  /** A new best must beat the old one by at least this many bits per character. */
  minDelta: number;
}

export interface BestPoint {
  step: number;
  heldOutBpc: number;
}

export class Plateau {
  private bestPoint: BestPoint | null = null;
  private since = 0;

  /** `initial`: the best point so far when a run continues an earlier one (only beating it counts). */
  constructor(
    readonly options: PlateauOptions,
    initial: BestPoint | null = null,
  ) {
    this.bestPoint = initial;
  }

  /** Records one held-out evaluation; true when it is a new best. */
  observe(step: number, heldOutBpc: number): boolean {
    if (!Number.isFinite(heldOutBpc)) {
      this.since++;
      return false;
    }
    if (this.bestPoint === null || heldOutBpc < this.bestPoint.heldOutBpc - this.options.minDelta) {
      this.bestPoint = { step, heldOutBpc };
      this.since = 0;
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

  /** Patience used up: the held-out curve has stopped improving. */
  get exhausted(): boolean {
    return this.options.patience > 0 && this.since >= this.options.patience;
  }
}
