// The lexer of shell and other #-comment languages: '…' (no escapes), "…" and $'…' (escapes), # comments at
// a word start, heredoc bodies (`<<WORD` … `WORD`) as strings.
import { BSL, DOLLAR, DQ, HASH, isSpace, isWord, LF, LPAR, SPACE, SQ, TAB } from './chars';
import { CodeMarks, type CodeFeatures } from './features';

export const SHELL_LANGUAGES: ReadonlySet<string> = new Set([
  'shellscript',
  'bash',
  'sh',
  'zsh',
  'fish',
  'dockerfile',
  'makefile',
  'yaml',
  'toml',
  'perl',
  'ruby',
  'r',
  'powershell',
  'cmake',
  'properties',
  'nix',
  'coffeescript',
  'julia',
  'elixir',
  'tcl',
]);

const LT = 60; // <
const DASH = 45;
const SEMI = 59;
const AMP = 38;
const PIPE = 124;

interface Heredoc {
  word: string;
  /** `<<-`: leading tabs of the terminator line are ignored. */
  strip: boolean;
}

export function scanShell(syms: Int32Array): CodeFeatures {
  const n = syms.length;
  const m = new CodeMarks(n);
  const heredocs: Heredoc[] = [];
  let i = 0;
  while (i < n) {
    const c = syms[i];
    const prev = i > 0 ? syms[i - 1] : LF;
    if (c === LF && heredocs.length > 0) {
      i = heredocBodies(syms, m, i, heredocs);
      continue;
    }
    if (
      c === HASH &&
      (isSpace(prev) || prev === LF || prev === SEMI || prev === AMP || prev === PIPE || prev === LPAR)
    ) {
      i = m.lineComment(syms, i);
      continue;
    }
    if (c === BSL) {
      m.span(i, i + 2, 0, 0);
      i += 2;
      continue;
    }
    if (c === SQ && prev !== DOLLAR) {
      i = quoted(syms, m, i, false);
      continue;
    }
    if (c === DQ || (c === SQ && prev === DOLLAR)) {
      i = quoted(syms, m, i, true);
      continue;
    }
    if (c === LT && syms[i + 1] === LT && syms[i + 2] !== LT && prev !== LT) {
      const end = heredocStart(syms, m, i, heredocs);
      if (end > i) {
        i = end;
        continue;
      }
    }
    m.code(i++, c);
  }
  return m.features;
}

/** A quoted string opening at k, with or without backslash escapes; returns the index after its closer. */
function quoted(syms: Int32Array, m: CodeMarks, k: number, escapes: boolean): number {
  const n = syms.length;
  const q = syms[k];
  let i = k;
  m.mark(i++, 1, 0);
  while (i < n && syms[i] !== q) {
    if (escapes && syms[i] === BSL) m.mark(i++, 1, 0);
    m.mark(i++, 1, 0);
  }
  m.mark(i++, 0, 0);
  return i;
}

/** `<<WORD`, `<<-WORD`, `<<'WORD'`, `<<"WORD"` at k: queues the heredoc, returns the index after it (k if none). */
function heredocStart(syms: Int32Array, m: CodeMarks, k: number, heredocs: Heredoc[]): number {
  const n = syms.length;
  let j = k + 2;
  const strip = syms[j] === DASH;
  if (strip) j++;
  while (j < n && (syms[j] === SPACE || syms[j] === TAB)) j++;
  const q = syms[j] === SQ || syms[j] === DQ ? syms[j] : -1;
  if (q > 0) j++;
  let word = '';
  while (j < n && (isWord(syms[j]) || syms[j] === DASH)) word += String.fromCodePoint(syms[j++]);
  if (!word || (q >= 0 && syms[j] !== q)) return k;
  const end = j + (q > 0 ? 1 : 0);
  heredocs.push({ word, strip });
  m.span(k, end, 0, 0);
  return end;
}

/** The bodies of the queued heredocs, from the line break at k; returns where code resumes. */
function heredocBodies(syms: Int32Array, m: CodeMarks, k: number, heredocs: Heredoc[]): number {
  const n = syms.length;
  let i = k;
  m.mark(i++, 1, 0); // the body starts after this break
  while (heredocs.length > 0 && i < n) {
    const h = heredocs[0];
    let e = i;
    while (e < n && syms[e] !== LF) e++;
    let b = i;
    if (h.strip) while (b < e && syms[b] === TAB) b++;
    const line = String.fromCodePoint(...syms.subarray(b, e));
    if (line === h.word) {
      m.span(i, e, 0, 0);
      heredocs.shift();
      i = e; // the terminator's line break is code (or starts the next body)
      if (heredocs.length > 0 && i < n) m.mark(i++, 1, 0);
    } else {
      m.span(i, e + 1, 1, 0);
      i = e + 1;
    }
  }
  return i;
}
