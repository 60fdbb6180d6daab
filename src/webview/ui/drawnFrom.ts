// Skips a view's redraw when nothing it draws from changed: one memo of its inputs (compared by identity, strings
// and numbers by value) instead of a hand-written comparison in every view.

export class DrawnFrom<T extends Record<string, unknown> = Record<string, unknown>> {
  private last: T | undefined;

  /** True when any of `inputs` differs from the last draw's (or there was none); they are then remembered. */
  changed(inputs: T): boolean {
    const last = this.last;
    if (last && Object.keys(inputs).every((k) => Object.is(last[k], inputs[k]))) return false;
    this.last = inputs;
    return true;
  }

  /** The inputs of the last draw, for event handlers. */
  get current(): T | undefined {
    return this.last;
  }
}
