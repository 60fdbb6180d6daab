// A ~1 MB real text the benchmarks rebuild from files every checkout has: TypeScript's own lib.*.d.ts
// declarations (node_modules/typescript/lib) interleaved file by file with prose (this repo's Markdown and
// the README.md of the installed packages), so the held-out tail holds both kinds. Same bytes for the same
// node_modules; nothing is downloaded.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RealText {
  text: string;
  /** Where it came from, for the benchmark's header. */
  summary: string;
}

/** Markdown files of the repo root and node_modules/<pkg>/ and node_modules/@scope/<pkg>/, sorted. */
function proseFiles(root: string): string[] {
  const out = fs
    .readdirSync(root)
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join(root, f));
  const nm = path.join(root, 'node_modules');
  const pkgs: string[] = [];
  for (const d of fs.readdirSync(nm).sort()) {
    if (d.startsWith('.')) continue;
    if (d.startsWith('@')) for (const s of fs.readdirSync(path.join(nm, d)).sort()) pkgs.push(path.join(nm, d, s));
    else pkgs.push(path.join(nm, d));
  }
  for (const p of pkgs) {
    const f = path.join(p, 'README.md');
    if (fs.existsSync(f) && fs.statSync(f).size > 4096) out.push(f);
  }
  return out;
}

/** A file's text in pieces of about `n` characters, cut after a newline. */
function pieces(file: string, n: number): string[] {
  let t = fs.readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
  if (!t.endsWith('\n')) t += '\n';
  const out: string[] = [];
  for (let o = 0; o < t.length;) {
    let e = Math.min(t.length, o + n);
    const nl = t.indexOf('\n', e - 1);
    e = nl < 0 ? t.length : nl + 1;
    out.push(t.slice(o, e));
    o = e;
  }
  return out;
}

const PIECE = 16_384; // interleave in ~16 KB pieces so no one huge file (lib.dom.d.ts is 1.8 MB) fills the text

/** `size` characters, `proseShare` of them prose, the rest declarations, alternating ~16 KB pieces. */
export function buildRealText(root: string, size = 1_000_000, proseShare = 0.4): RealText {
  const lib = path.join(root, 'node_modules/typescript/lib');
  const declFiles = fs
    .readdirSync(lib)
    .filter((f) => /^lib\..*\.d\.ts$/.test(f))
    .sort()
    .map((f) => path.join(lib, f));
  const proseList = proseFiles(root);
  // At most 4 pieces of any one file, so the text spans many files of each kind.
  const decls = declFiles.flatMap((f) => pieces(f, PIECE).slice(0, 4));
  const prose = proseList.flatMap((f) => pieces(f, PIECE).slice(0, 4));
  const parts: string[] = [];
  let nProse = 0;
  let nDecl = 0;
  let iP = 0;
  let iD = 0;
  while (nProse + nDecl < size && (iP < prose.length || iD < decls.length)) {
    const wantProse = iD >= decls.length || (iP < prose.length && nProse < proseShare * (nProse + nDecl + 1));
    const t = wantProse ? prose[iP++] : decls[iD++];
    parts.push(t);
    if (wantProse) nProse += t.length;
    else nDecl += t.length;
  }
  const text = parts.join('').slice(0, size);
  return {
    text,
    summary: `${text.length} chars: TypeScript lib.*.d.ts (${Math.round(nDecl / 1000)}k of ${declFiles.length} files) and Markdown (${Math.round(nProse / 1000)}k of ${proseList.length} files), interleaved in ~16 KB pieces`,
  };
}
