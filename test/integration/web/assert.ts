// node:assert/strict for the web integration bundle (scripts/build.mjs aliases it): the few calls the
// shared integration tests make, with Node's semantics (strict equality, deep strict equality).

export class AssertionError extends Error {
  override name = 'AssertionError';
}

function fail(message: string | Error | undefined, fallback: string): never {
  if (message instanceof Error) throw message;
  throw new AssertionError(message ?? fallback);
}

function show(x: unknown): string {
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

export function ok(value: unknown, message?: string | Error): asserts value {
  if (!value) fail(message, `expected a truthy value, got ${show(value)}`);
}

export function equal<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T {
  if (!Object.is(actual, expected)) fail(message, `${show(actual)} !== ${show(expected)}`);
}
export const strictEqual = equal;

export function notEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (Object.is(actual, expected)) fail(message, `${show(actual)} === ${show(expected)}`);
}

function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a) || ArrayBuffer.isView(a)) {
    const x = a as ArrayLike<unknown>;
    const y = b as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!same(x[i], y[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k) => Object.hasOwn(b, k) && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

export function deepEqual<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T {
  if (!same(actual, expected))
    fail(message, `not deep-equal:\n  actual   ${show(actual)}\n  expected ${show(expected)}`);
}
export const deepStrictEqual = deepEqual;

export function match(value: string, re: RegExp, message?: string | Error): void {
  if (!re.test(value)) fail(message, `${show(value)} does not match ${re}`);
}

export function fail_(message?: string): never {
  throw new AssertionError(message ?? 'failed');
}
export { fail_ as fail };

export async function rejects(p: Promise<unknown> | (() => Promise<unknown>), re?: RegExp): Promise<void> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (re && !re.test(e instanceof Error ? e.message : String(e)))
      fail(undefined, `rejected with ${show(String(e))}, not ${re}`);
    return;
  }
  fail(undefined, 'expected a rejection');
}
