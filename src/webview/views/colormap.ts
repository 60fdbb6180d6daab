// Colour scales anchored on the theme: 0 fades into the editor background, so they read in light, dark and high contrast.

export type Rgb = [number, number, number];

export interface Palette {
  background: Rgb;
  foreground: Rgb;
  /** Strong end of the sequential scale (gates i, f, o in 0..1) and positive end of the diverging one. */
  positive: Rgb;
  /** Negative end of the diverging scale (g, c, h in -1..1 — c may exceed it and is clamped). */
  negative: Rgb;
  highContrast: boolean;
}

/** Parses #rgb, #rrggbb, #rrggbbaa and rgb()/rgba() colours; undefined when it can't. */
export function parseColor(text: string): Rgb | undefined {
  const s = text.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [...m[1]].map((c) => parseInt(c + c, 16)) as Rgb;
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as Rgb;
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return undefined;
}

let cached: { key: string; palette: Palette } | undefined;

/**
 * The palette of the current theme, read from CSS once per theme: the body's class list names the
 * theme, so a change of it means new colours (main.ts repaints every view when it changes).
 */
export function themePalette(): Palette {
  const key = document.body.className;
  if (cached?.key !== key) cached = { key, palette: readPalette() };
  return cached.palette;
}

export function readPalette(root: Element = document.body): Palette {
  const css = getComputedStyle(root);
  const get = (name: string, fallback: Rgb): Rgb => parseColor(css.getPropertyValue(name)) ?? fallback;
  const highContrast =
    document.body.classList.contains('vscode-high-contrast') ||
    document.body.classList.contains('vscode-high-contrast-light');
  const background = get('--vscode-editor-background', [30, 30, 30]);
  const light = luminance(background) > 0.5;
  const positive = get('--vscode-charts-blue', light ? [0, 90, 200] : [80, 160, 255]);
  // The negative end must differ in hue from the positive one, or −1 and +1 read alike. Some themes
  // (High Contrast Light) map charts.orange to a blue; then fall back to red, then to a fixed orange.
  const candidates: (Rgb | undefined)[] = [
    parseColor(css.getPropertyValue('--vscode-charts-orange')),
    parseColor(css.getPropertyValue('--vscode-charts-red')),
    light ? [190, 80, 0] : [255, 150, 60],
  ];
  const negative = candidates.find((c): c is Rgb => !!c && hueDistance(c, positive) >= 60)!;
  return {
    background,
    foreground: get('--vscode-editor-foreground', light ? [0, 0, 0] : [255, 255, 255]),
    positive,
    negative,
    highContrast,
  };
}

/** Hue of a colour in degrees (0-360). */
export function hue([r, g, b]: Rgb): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max === min) return 0;
  const d = max - min;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

/** Angular distance between two colours' hues, 0-180 degrees. */
export function hueDistance(a: Rgb, b: Rgb): number {
  const d = Math.abs(hue(a) - hue(b));
  return Math.min(d, 360 - d);
}

export function luminance([r, g, b]: Rgb): number {
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** 0..1 → background..positive, with a gentle gamma so mid values stay distinguishable. */
export function sequential(p: Palette, value: number): Rgb {
  const t = Math.max(0, Math.min(1, value));
  return mix(p.background, p.positive, Math.pow(t, 0.8));
}

/** -1..1 → negative..background..positive. */
export function diverging(p: Palette, value: number): Rgb {
  const t = Math.max(-1, Math.min(1, value));
  return t >= 0 ? mix(p.background, p.positive, Math.pow(t, 0.8)) : mix(p.background, p.negative, Math.pow(-t, 0.8));
}

export function css([r, g, b]: Rgb): string {
  return `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
}

/** Gates live in 0..1 (sigmoid); candidate, cell and hidden state are signed. */
export function isSignedGate(gate: string): boolean {
  return gate === 'g' || gate === 'c' || gate === 'h';
}

/** The cell state is unbounded; it is shown as tanh(c) (as Karpathy et al. do) so large values don't all saturate. */
export function colorFor(p: Palette, gate: string, value: number): Rgb {
  if (gate === 'c') return diverging(p, Math.tanh(value));
  return isSignedGate(gate) ? diverging(p, value) : sequential(p, value);
}
