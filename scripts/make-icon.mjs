// Draws media/icon.png (128×128): a gate heatmap seen through a lens. Run once; the PNG is committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 128;
const px = new Float64Array(N * N * 4);

function blend(x, y, [r, g, b], a) {
  if (x < 0 || y < 0 || x >= N || y >= N || a <= 0) return;
  const i = (y * N + x) * 4;
  const A = px[i + 3];
  const outA = a + A * (1 - a);
  for (const [k, c] of [
    [0, r],
    [1, g],
    [2, b],
  ])
    px[i + k] = (c * a + px[i + k] * A * (1 - a)) / (outA || 1);
  px[i + 3] = outA;
}

/** Signed-distance coverage for a rounded rectangle, anti-aliased. */
function roundRect(x0, y0, x1, y1, rad, color, alpha = 1) {
  for (let y = Math.floor(y0) - 1; y <= y1 + 1; y++)
    for (let x = Math.floor(x0) - 1; x <= x1 + 1; x++) {
      const cx = Math.max(x0 + rad, Math.min(x + 0.5, x1 - rad));
      const cy = Math.max(y0 + rad, Math.min(y + 0.5, y1 - rad));
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy) - rad;
      blend(x, y, color, alpha * Math.max(0, Math.min(1, 0.5 - d)));
    }
}

function ring(cx, cy, r, width, color) {
  for (let y = 0; y < N; y++)
    for (let x = 0; x < N; x++) {
      const d = Math.abs(Math.hypot(x + 0.5 - cx, y + 0.5 - cy) - r) - width / 2;
      blend(x, y, color, Math.max(0, Math.min(1, 0.5 - d)));
    }
}

// A viridis-like ramp, for gate activations 0..1.
const stops = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];
function ramp(t) {
  const s = Math.max(0, Math.min(0.9999, t)) * (stops.length - 1);
  const i = Math.floor(s);
  const f = s - i;
  return stops[i].map((c, k) => c + (stops[i + 1][k] - c) * f);
}

roundRect(4, 4, 124, 124, 22, [24, 28, 44]);
// Four gate rows (i, f, g, o) of eight units: a deterministic pattern with structure.
const rows = 4;
const cols = 8;
for (let r = 0; r < rows; r++)
  for (let c = 0; c < cols; c++) {
    const v = 0.5 + 0.5 * Math.sin(1.7 * c + 2.3 * r + 0.6 * r * c);
    const x = 20 + c * 11;
    const y = 30 + r * 17;
    roundRect(x, y, x + 9, y + 14, 2, ramp(v));
  }
// The lens: a ring over the grid with a handle.
ring(70, 60, 30, 6, [235, 238, 245]);
for (let t = 0; t < 1; t += 0.01) {
  const x = 92 + t * 22;
  const y = 82 + t * 22;
  roundRect(x - 4, y - 4, x + 4, y + 4, 4, [235, 238, 245]);
}

// PNG encode (RGBA, no filter).
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) {
  raw[y * (N * 4 + 1)] = 0;
  for (let x = 0; x < N; x++)
    for (let k = 0; k < 4; k++)
      raw[y * (N * 4 + 1) + 1 + x * 4 + k] = Math.round(
        k === 3 ? px[(y * N + x) * 4 + 3] * 255 : px[(y * N + x) * 4 + k],
      );
}
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8;
ihdr[9] = 6;
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../media/icon.png', import.meta.url), png);
console.log(`media/icon.png: ${png.length} bytes`);
