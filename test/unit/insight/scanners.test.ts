// The lexical scanners on tricky inputs. Each expectation is a mask under the text, one character per
// token ('^' = 1, '.' = 0; numbers for counts); ⏎ is a line break (a CRLF is one token, as in the model).
import * as assert from 'node:assert/strict';
import { charTokenizer } from '../../../src/model/vocab';
import { languageIdOfFile } from '../../../src/cli/languages';
import { familyOf, scanFeatures, type FeatureTable } from '../../../src/model/lexers/scan';
import type { InsightFeature } from '../../../src/shared/protocol';

function mask(text: string, languageId: string, feature: InsightFeature): string {
  const t = charTokenizer.tokenize(text);
  const { table } = scanFeatures(t.syms, languageId);
  const v = (table as FeatureTable)[feature]!;
  assert.equal(v.length, t.length, 'one value per token');
  const counts = feature === 'bracketDepth' || feature === 'indent' || feature === 'column';
  return Array.from(v, (x) => (counts ? String(x) : x ? '^' : '.')).join('');
}

const CASES: [string, string, InsightFeature, string][] = [
  // C-like: escapes, comments, unterminated strings, CRLF, Korean and emoji
  ['s="a\\"b";', 'c', 'inString', '..^^^^^..'],
  ['x; // it\'s "q"\ny', 'c', 'inComment', '...^^^^^^^^^^^..'],
  ['x; // it\'s "q"\ny', 'c', 'inString', '................'],
  ['"abc\nd', 'c', 'inString', '^^^^..'],
  ['a"b\r\nc"', 'c', 'inString', '.^^..^'],
  ['a"b\r\nc"', 'c', 'column', '123012'],
  ['s = "한글😀";', 'c', 'inString', '....^^^^..'],
  ['s = "한글😀";', 'c', 'wordStart', '^....^....'],
  ["c = '\\''; n = 1'000;", 'cpp', 'inString', '....^^^.............'],
  ['R"d(a")d"', 'cpp', 'inString', '.^^^^^^^.'],
  ['@"a""b\\" c', 'csharp', 'inString', '.^^^^^^...'],
  ['`raw\n"x`', 'go', 'inString', '^^^^^^^.'],
  // Rust: nested block comments, raw strings, lifetimes vs char literals
  ['/* a /* b */ c */d', 'rust', 'inComment', '^^^^^^^^^^^^^^^^..'],
  ['/* a /* b */ c */d', 'c', 'inComment', '^^^^^^^^^^^.......'],
  ['r#"a"b"#;', 'rust', 'inString', '.^^^^^^..'],
  ["fn f<'a>(x: &'a str) -> char { 'x' }", 'rust', 'inString', '...............................^^...'],
  // JS/TS: template literals with nested code and strings, regex literals vs division
  ['`a${b+"c"}d`', 'typescript', 'inString', '^^^...^^.^^.'],
  ['`a${b+"c"}d`', 'typescript', 'bracketDepth', '000111111000'],
  ['x = /"/; y = "s";', 'javascript', 'inString', '.............^^..'],
  ['a = b / 2; c = "s" / 1', 'javascript', 'inString', '...............^^.....'],
  // Python: triple quotes holding other quotes, raw strings with an escaped quote, f-strings, # in strings
  ['x = """a "b" \'\'\' c"""\ny = r\'\\\'\' # c', 'python', 'inString', '....^^^^^^^^^^^^^^^^.......^^^.....'],
  ['x = """a "b" \'\'\' c"""\ny = r\'\\\'\' # c', 'python', 'inComment', '................................^^^'],
  ['f"{x!r}" + \'abc\nx "a#b"', 'python', 'inString', '.^^^^^^....^^^^...^^^^.'],
  ['f"{x!r}" + \'abc\nx "a#b"', 'python', 'inComment', '.......................'],
  ['  if x:\n\tpass', 'python', 'indent', '1222222044444'],
  // Shell: '' without escapes, "" with them, $# is no comment, heredoc bodies are strings
  [
    'echo \'it\'\'s\' "a \\"b\\" $x" # note\nfoo$#bar',
    'shellscript',
    'inString',
    '.....^^^.^^..^^^^^^^^^^^.................',
  ],
  [
    'echo \'it\'\'s\' "a \\"b\\" $x" # note\nfoo$#bar',
    'shellscript',
    'inComment',
    '..........................^^^^^^.........',
  ],
  ['cat <<EOF\nhello "x\nEOF\ny', 'shellscript', 'inString', '.........^^^^^^^^^^.....'],
  // Prose: typographic and straight quotes, parentheses, a paragraph break resets
  ['He said “hi (there)” and "bye".\n\n(open', 'markdown', 'inQuotes', '........^^^^^^^^^^^......^^^^.........'],
  ['He said “hi (there)” and "bye".\n\n(open', 'markdown', 'inParens', '............^^^^^^...............^^^^^'],
];

describe('insight/scanners', () => {
  for (const [text, lang, feature, expected] of CASES)
    it(`${lang} ${feature}: ${JSON.stringify(text)}`, () => {
      assert.equal(mask(text, lang, feature), expected);
    });

  it('unterminated literals at the end of the text do not run past it', () => {
    for (const [text, lang] of [
      ['"abc', 'c'],
      ['/* abc', 'c'],
      ['`a${', 'typescript'],
      ["'''abc", 'python'],
      ["'abc", 'shellscript'],
      ['cat <<EOF\nabc', 'shellscript'],
      ['r#"abc', 'rust'],
      ['“abc', 'markdown'],
    ]) {
      const t = charTokenizer.tokenize(text);
      const { table } = scanFeatures(t.syms, lang);
      for (const v of Object.values(table)) assert.equal(v!.length, t.length, `${lang} ${text}`);
    }
  });

  it('bracket depth ignores brackets in strings and comments and never goes negative', () => {
    assert.equal(mask('f(a, "(", /* ( */ b[1])) )', 'c', 'bracketDepth'), '01111111111111111112210000');
    assert.equal(mask('print("(", x) # (', 'python', 'bracketDepth'), '00000111111100000');
  });

  it('picks the scanner family from language ids and file names', () => {
    assert.equal(familyOf('typescript'), 'c-like');
    assert.equal(familyOf('rust'), 'c-like');
    assert.equal(familyOf('python'), 'python');
    assert.equal(familyOf('shellscript'), 'shell');
    assert.equal(familyOf('markdown'), 'prose');
    assert.equal(familyOf('something-new'), 'prose');
    assert.equal(languageIdOfFile('/a/b/argparse.py'), 'python');
    assert.equal(languageIdOfFile('x.tsx'), 'typescriptreact');
    assert.equal(languageIdOfFile('README.md'), 'markdown');
    assert.equal(languageIdOfFile('Makefile'), 'makefile');
  });
});
