// Which documents LSTM Lens models: the limits and why, as pure data and a pure check (unit-tested).

/**
 * Largest document (UTF-16 code units) sent to the trainer. Above it the worker would hold the text,
 * its tokens and their spans (~7 bytes per character), and every resend on a multi-cursor edit would
 * copy it: 8 M characters keeps that under ~60 MB and a resend under ~20 ms. VS Code itself does not
 * hand files over 50 MB to extensions at all.
 */
export const MAX_MODEL_CHARS = 8_000_000;

/** Held-out tail fraction, mirrored from the training config (the tail is never trained on). */
const HELD_OUT = 0.1;

/** Fewest characters worth training on: one full training window plus its target, after the held-out split. */
export function minimumChars(seqLength: number): number {
  return Math.ceil((seqLength + 2) / (1 - HELD_OUT));
}

export type Modelability =
  | { ok: true }
  | { ok: false; reason: 'empty' }
  | { ok: false; reason: 'tooShort'; length: number; minimum: number }
  | { ok: false; reason: 'tooLarge'; length: number; maximum: number };

export function modelability(length: number, seqLength: number): Modelability {
  if (length === 0) return { ok: false, reason: 'empty' };
  const minimum = minimumChars(seqLength);
  if (length < minimum) return { ok: false, reason: 'tooShort', length, minimum };
  if (length > MAX_MODEL_CHARS) return { ok: false, reason: 'tooLarge', length, maximum: MAX_MODEL_CHARS };
  return { ok: true };
}
