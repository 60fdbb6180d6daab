// IEEE 754 binary16 ⇄ float32, so the shipped base model stores its weights in half the bytes.
// Round to nearest even; values beyond the half range become ±65504 (weights never get near it) and NaN
// stays NaN; subnormals are kept (weights of 1e-6 still round-trip to within 6e-8).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The binary16 bits of x (rounded to nearest even; overflow saturates to the largest finite half). */
export function toHalf(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return mant ? 0x7e00 : sign | 0x7bff; // NaN; ±Inf saturate
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7bff; // beyond 65504: saturate
  if (e <= 0) {
    // Subnormal half (or zero): shift the implicit 1 in and round.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && m & 1)) m++;
    return sign | m;
  }
  let m = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && m & 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7bff;
    }
  }
  return sign | (e << 10) | m;
}

/** The number binary16 bits h stand for. */
export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** Little-endian binary16 bytes of every value. */
export function encodeHalves(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 2);
  const dv = new DataView(out.buffer);
  for (let k = 0; k < data.length; k++) dv.setUint16(k * 2, toHalf(data[k]), true);
  return out;
}

/** The float32 values of little-endian binary16 bytes. */
export function decodeHalves(bytes: Uint8Array): Float32Array {
  const n = bytes.byteLength >> 1;
  const out = new Float32Array(n);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let k = 0; k < n; k++) out[k] = fromHalf(dv.getUint16(k * 2, true));
  return out;
}
