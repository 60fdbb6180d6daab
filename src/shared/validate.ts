// Small runtime type guards for messages that cross a thread or frame boundary.

export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function isString(x: unknown): x is string {
  return typeof x === 'string';
}

export function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

export function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x);
}

export function isBoolean(x: unknown): x is boolean {
  return typeof x === 'boolean';
}

export function isOneOf<T extends string>(x: unknown, options: readonly T[]): x is T {
  return typeof x === 'string' && (options as readonly string[]).includes(x);
}

export function isArrayOf<T>(x: unknown, item: (v: unknown) => v is T): x is T[];
export function isArrayOf(x: unknown, item: (v: unknown) => boolean): x is unknown[];
export function isArrayOf(x: unknown, item: (v: unknown) => boolean): boolean {
  return Array.isArray(x) && x.every((v) => item(v));
}
