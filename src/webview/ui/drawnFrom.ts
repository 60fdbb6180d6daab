// Skips a view's redraw when nothing it draws from changed: one memo of its inputs (compared by identity, strings
// and numbers by value) instead of a hand-written comparison in every view.

export class DrawnFrom<T extends Record<string, unknown> = Record<string, unknown>> {
  private last: T | undefined;

  /**
   * When any of `inputs` differs from the last draw's, remembers them and returns the previous ones (undefined on
   * the first draw) in `before`; null when nothing changed.
   */
  change(inputs: T): { before: T | undefined } | null {
    const last = this.last;
    if (last && Object.keys(inputs).every((k) => Object.is(last[k], inputs[k]))) return null;
    this.last = inputs;
    return { before: last };
  }

  /** The inputs of the last draw, for event handlers. */
  get current(): T | undefined {
    return this.last;
  }
}
