// The exhaustiveness check every switch over a union ends in.

/** Compile-time proof that a switch over a union handled every case. */
export function assertNever(value: never, what = 'message'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
