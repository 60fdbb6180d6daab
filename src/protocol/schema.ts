// Schema helpers: each message schema is declared against its domain type, so the compiler proves they agree.
import * as v from 'valibot';
import { LIMITS, type Range } from '../shared/domain';

/** True when A and B are mutually assignable (the schema's output is exactly the domain type). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * `schemaFor<T>()(v.object({...}))`: the schema, typed as producing T; fails to compile when the schema's
 * output and T differ in either direction (a missing field, an extra one, a wider or narrower type).
 */
export function schemaFor<T>() {
  return <S extends v.GenericSchema<unknown, T>>(
    schema: S & (Same<v.InferOutput<S>, T> extends true ? unknown : { error: 'schema output is not exactly T' }),
  ): v.GenericSchema<unknown, T> => schema;
}

/** A safe integer within a range of the LIMITS table (or ≥ 0 by default). */
export const int = (r: Range = { min: 0, max: Number.MAX_SAFE_INTEGER }) =>
  v.pipe(v.number(), v.safeInteger(), v.minValue(r.min), v.maxValue(r.max));

/** A finite number, optionally within a range. */
export const num = (r?: Range) =>
  r ? v.pipe(v.number(), v.finite(), v.minValue(r.min), v.maxValue(r.max)) : v.pipe(v.number(), v.finite());

/** Any safe integer (document versions, seeds: negative is allowed). */
export const anyInt = v.pipe(v.number(), v.safeInteger());

export const nullableNum = v.nullable(num());

/** A worker's name for a document. */
export const docId = v.string();

/** A UTF-16 [start, end) range. */
export const range = v.pipe(
  v.object({ start: int(), end: int() }),
  v.check((r) => r.end >= r.start, 'a range ends at or after its start'),
);

// Typed as the domain's arrays (any buffer): the constructors' own instance type names ArrayBuffer only.
/** Offsets of T tokens: T + 1 entries. */
export const offsets: v.GenericSchema<unknown, Uint32Array> = v.pipe(
  v.instance(Uint32Array),
  v.check((a) => a.length >= 1, 'offsets have at least one entry'),
);

export const float32: v.GenericSchema<unknown, Float32Array> = v.instance(Float32Array);

export { LIMITS };
