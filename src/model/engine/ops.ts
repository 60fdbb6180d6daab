// The array operations both training graphs share: transposes, row and column sums, gathers and
// scatters by token id, and the cross-entropy's bookkeeping of padded rows. Plain loops over heap views.

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
