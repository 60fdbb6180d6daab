// The array operations both training graphs share: transposes, row and column sums, gathers and
// scatters by token id, and the cross-entropy's bookkeeping of padded rows. Plain loops over heap views;
// the *Buf forms take the arena's SIMD kernel where it has one (same sums in the same order: the same floats).
import type { Arena, Buf } from '../arena';

/** dst (cols, rows) = src (rows, cols)ᵀ */
export function transpose(src: Float32Array, dst: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) dst[c * rows + r] = src[r * cols + c];
}

/** m (rows, cols) += v (cols) on every row. */
export function addRowVector(m: Float32Array, v: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) m[r * cols + c] += v[c];
}

/** out (cols) = Σ over rows of m (rows, cols): a bias gradient. */
export function columnSums(m: Float32Array, out: Float32Array, rows: number, cols: number): void {
  out.fill(0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c] += m[r * cols + c];
}

/** dst row r (cols) = table row ids[r]: an embedding lookup. */
export function gatherRows(table: Float32Array, ids: Int32Array, dst: Float32Array, cols: number): void {
  for (let r = 0; r < ids.length; r++) dst.set(table.subarray(ids[r] * cols, (ids[r] + 1) * cols), r * cols);
}

/** dst row ids[r] += src row r (cols): the gradient of a lookup, accumulated by id. */
export function scatterAddRows(src: Float32Array, ids: Int32Array, dst: Float32Array, cols: number): void {
  for (let r = 0; r < ids.length; r++) {
    const o = ids[r] * cols;
    const s = r * cols;
    for (let j = 0; j < cols; j++) dst[o + j] += src[s + j];
  }
}

/** dst[k][from..to) = src[k][from..to) for each of `rows` rows of width `cols`: a block of columns. */
export function copyColumns(
  src: Float32Array,
  dst: Float32Array,
  rows: number,
  cols: number,
  from: number,
  to: number,
): void {
  for (let k = 0; k < rows; k++) for (let j = from; j < to; j++) dst[k * cols + j] = src[k * cols + j];
}

/**
 * 1 / (rows with a target ≥ 0), or 0 when there are none: the cross-entropy is a mean over real rows;
 * rows with target −1 are padding (evaluation past the end of the held-out text) with no loss and no gradient.
 */
export function meanScale(targets: Int32Array): number {
  let valid = 0;
  for (let r = 0; r < targets.length; r++) if (targets[r] >= 0) valid++;
  return valid > 0 ? 1 / valid : 0;
}

/** transpose() on buffers: the SIMD kernel's 4×4 tiles when the arena has kernels. */
export function transposeBuf(arena: Arena, src: Buf, dst: Buf, rows: number, cols: number): void {
  if (arena.kernels) arena.kernels.transpose(src.ptr, dst.ptr, rows, cols, rows);
  else transpose(src.v, dst.v, rows, cols);
}

/** columnSums() on buffers: row by row into f32, as the loop does, with the kernel's vector add. */
export function columnSumsBuf(arena: Arena, m: Buf, out: Buf, rows: number, cols: number): void {
  const k = arena.kernels;
  if (!k) return columnSums(m.v, out.v, rows, cols);
  out.v.fill(0, 0, cols);
  for (let r = 0; r < rows; r++) k.addTo(out.ptr, m.ptr + r * cols * 4, cols);
}

/** scatterAddRows() on buffers (dst row ids[r] += src row r), with the kernel's vector add. */
export function scatterAddRowsBuf(arena: Arena, src: Buf, ids: Int32Array, dst: Buf, cols: number): void {
  const k = arena.kernels;
  if (!k) return scatterAddRows(src.v, ids, dst.v, cols);
  for (let r = 0; r < ids.length; r++) k.addTo(dst.ptr + ids[r] * cols * 4, src.ptr + r * cols * 4, cols);
}

/** addRowVector() on buffers: m (rows, cols) += v on every row. */
export function addRowVectorBuf(arena: Arena, m: Buf, v: Buf, rows: number, cols: number): void {
  const k = arena.kernels;
  if (!k) return addRowVector(m.v, v.v, rows, cols);
  for (let r = 0; r < rows; r++) k.addTo(m.ptr + r * cols * 4, v.ptr, cols);
}
