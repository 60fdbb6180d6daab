// Tiny DOM helpers: elements are built from data with textContent, never from HTML strings.

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

/** Sets text only when it changed (cheap re-renders, no layout churn). */
export function setText(e: Element, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}
