// Builds the explorer webview's HTML and its Content-Security-Policy as pure functions (testable without VS Code).

export interface PanelHtmlInput {
  /** `webview.cspSource`: the origin local resources are served from. */
  cspSource: string;
  /** A fresh random nonce for this page's scripts and styles. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** BCP-47 language of the UI, for `<html lang>`. */
  language: string;
  /** The panel's title, already plain text. */
  title: string;
}

/**
 * The strictest policy the panel works under: nothing by default, scripts only with our nonce,
 * styles from the extension (plus our nonce, for the toolkit's constructed styles), images as data
 * URIs (canvas exports), fonts from the extension (codicons). No network, no eval, no inline script.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    "connect-src 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** Escapes text for an HTML attribute or text node. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** 32 base-64-url characters of randomness from the given byte source. */
export function makeNonce(randomBytes: (n: number) => Uint8Array): string {
  // base64url by hand: btoa exists in every host (Node's and a Web Worker's), Buffer only in Node's.
  const b64 = btoa(String.fromCharCode(...randomBytes(24)));
  return b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function panelHtml(input: PanelHtmlInput): string {
  const { cspSource, nonce, scriptUri, styleUri, language, title } = input;
  const esc = escapeHtml;
  return `<!DOCTYPE html>
<html lang="${esc(language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta property="csp-nonce" content="${esc(nonce)}">
<link rel="stylesheet" href="${esc(styleUri)}" nonce="${esc(nonce)}">
<title>${esc(title)}</title>
</head>
<body data-ready="false">
<main id="app" aria-busy="true"></main>
<script nonce="${esc(nonce)}" src="${esc(scriptUri)}"></script>
</body>
</html>`;
}
