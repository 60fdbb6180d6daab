// One owner of canvas sizing: a canvas's CSS size, its backing store at the device pixel ratio, and a 2D context
// that draws in CSS pixels — so every chart is crisp on any screen and no view sizes a canvas by hand.

/** A cleared 2D context scaled to CSS pixels, and the CSS size it covers. */
export interface Painting {
  g: CanvasRenderingContext2D;
  width: number;
  height: number;
}

export function pixelRatio(): number {
  return window.devicePixelRatio || 1;
}

export class CanvasSurface {
  private cssWidth = -1;
  private cssHeight = -1;

  constructor(readonly canvas: HTMLCanvasElement) {}

  /**
   * Sizes the canvas to `width` × `height` CSS px (the backing store at the device pixel ratio, reset only when it
   * changes), clears it and returns a context in CSS px with default line and alpha state; undefined without 2D.
   */
  paint(width: number, height: number): Painting | undefined {
    const c = this.canvas;
    const w = Math.max(0, Math.round(width));
    const h = Math.max(0, Math.round(height));
    const dpr = pixelRatio();
    const bw = Math.round(w * dpr);
    const bh = Math.round(h * dpr);
    if (c.width !== bw) c.width = bw;
    if (c.height !== bh) c.height = bh;
    if (this.cssWidth !== w) c.style.width = `${w}px`;
    if (this.cssHeight !== h) c.style.height = `${h}px`;
    this.cssWidth = w;
    this.cssHeight = h;
    const g = c.getContext('2d');
    if (!g) return undefined;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    g.globalAlpha = 1;
    g.lineWidth = 1;
    g.setLineDash([]);
    return { g, width: w, height: h };
  }
}

/** A new canvas element with its surface (attributes as for `el`). */
export function surface(attrs: Record<string, string> = {}): CanvasSurface {
  const c = document.createElement('canvas');
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') c.className = v;
    else c.setAttribute(k, v);
  }
  return new CanvasSurface(c);
}

/** The width a chart may take in `box` (its content width), at least `min`; `fallback` while it is not laid out. */
export function boxWidth(box: Element | null | undefined, min: number, fallback: number): number {
  return Math.max(min, Math.floor(box?.clientWidth || fallback));
}

/**
 * Calls `redraw` (debounced) whenever what canvases are drawn for changes: the panel's size, the device pixel
 * ratio (zoom, another screen) or the colour theme (VS Code names it in the body's class).
 */
export function onCanvasEnvironmentChange(redraw: () => void): void {
  let timer = 0;
  const soon = () => {
    clearTimeout(timer);
    timer = window.setTimeout(redraw, 100);
  };
  window.addEventListener('resize', soon);
  new MutationObserver(redraw).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  const watchRatio = () => {
    const query = window.matchMedia(`(resolution: ${pixelRatio()}dppx)`);
    query.addEventListener(
      'change',
      () => {
        soon();
        watchRatio();
      },
      { once: true },
    );
  };
  watchRatio();
}
