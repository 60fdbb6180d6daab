// The panel's HTML and CSP: strict policy, nonce'd script, and every interpolated value escaped.
import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, escapeHtml, makeNonce, panelHtml } from '../../../src/host/panel/panelHtml';
import { randomBytes } from 'node:crypto';

const input = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'abc123',
  scriptUri: 'https://x/dist/webview.js',
  styleUri: 'https://x/media/explorer.css',
  language: 'en',
  title: 'LSTM Lens',
};

describe('panelHtml', () => {
  it('has a default-src none policy with nonce-only scripts and no eval or inline', () => {
    const csp = contentSecurityPolicy(input.cspSource, input.nonce);
    const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), ["'nonce-abc123'"]);
    assert.deepEqual(directives.get('connect-src'), ["'none'"]);
    assert.ok(!csp.includes('unsafe-eval'));
    assert.ok(!csp.includes('unsafe-inline'));
    assert.ok(!/https?:\/\/(?!file\+)/.test(csp.replace(input.cspSource, '')), 'no remote origins');
  });

  it('puts the nonce on every script and the policy in a meta tag', () => {
    const html = panelHtml(input);
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.equal(scripts.length, 1);
    for (const s of scripts) assert.match(s, /nonce="abc123"/);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;/);
  });

  it('escapes hostile values instead of emitting markup', () => {
    const html = panelHtml({
      ...input,
      title: '</title><script>alert(1)</script>',
      language: '"><img src=x onerror=alert(1)>',
    });
    assert.ok(!html.includes('<script>alert(1)'));
    assert.ok(!html.includes('<img src=x'));
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });

  it('makes a fresh, url-safe nonce each time', () => {
    const a = makeNonce((n) => randomBytes(n));
    const b = makeNonce((n) => randomBytes(n));
    assert.notEqual(a, b);
    assert.match(a, /^[A-Za-z0-9_-]{32}$/);
  });
});
