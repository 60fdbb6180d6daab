// Every UI string has a Korean translation, and the webview's string list matches what the webview uses.
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WEBVIEW_STRINGS } from '../../../src/shared/uiStrings';

const root = join(__dirname, '../../../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The string literals passed to l10n.t(...) in the host's sources. */
function hostStrings(): string[] {
  const found = new Set<string>();
  for (const f of [...sources(join(root, 'src/host')), join(root, 'src/extension.ts')]) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/l10n\.t\(\s*'((?:\\.|[^'\\])*)'/g)) found.add(m[1].replace(/\\'/g, "'"));
  }
  return [...found];
}

describe('localisation', () => {
  const ko = JSON.parse(readFileSync(join(root, 'l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
  const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
  const nlsKo = JSON.parse(readFileSync(join(root, 'package.nls.ko.json'), 'utf8')) as Record<string, string>;

  it('translates every host and webview string into Korean', () => {
    const all = [...hostStrings(), ...WEBVIEW_STRINGS];
    assert.ok(all.length > 20, `found ${all.length} strings`);
    const missing = all.filter((s) => !(s in ko));
    assert.deepEqual(missing, []);
  });

  it('keeps placeholders in translations', () => {
    for (const [en, tr] of Object.entries(ko)) {
      const ph = (s: string) => (s.match(/\{\d+\}/g) ?? []).sort().join();
      assert.equal(ph(tr), ph(en), en);
    }
  });

  it('has no stale Korean entries', () => {
    const all = new Set<string>([...hostStrings(), ...WEBVIEW_STRINGS]);
    assert.deepEqual(
      Object.keys(ko).filter((k) => !all.has(k)),
      [],
    );
  });

  it('translates every manifest string', () => {
    assert.deepEqual(Object.keys(nlsKo).sort(), Object.keys(nls).sort());
  });

  it('lists only strings the webview actually uses', () => {
    const webview = sources(join(root, 'src/webview'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const unused = WEBVIEW_STRINGS.filter((s) => !webview.includes(`'${s}'`));
    assert.deepEqual(unused, []);
  });
});
