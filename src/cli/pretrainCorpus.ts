// The pretraining corpus: which npm and Debian packages it is made of (nothing else goes in), how files become
// documents, and the per-language held-out split. `npm run pretrain` assembles it into .cache/pretrain/.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sha256Hex } from '../shared/sha256';
import { Rng } from '../model/rng';

export const LANGUAGES = [
  'python',
  'javascript',
  'typescript',
  'c',
  'shell',
  'json',
  'yaml',
  'markdown',
  'prose',
  'korean',
] as const;
export type Language = (typeof LANGUAGES)[number];

/** A file picked from a package: its language, or null to leave it out. */
export type Pick = (rel: string) => Language | null;

export interface Source {
  origin: 'npm' | 'debian';
  /** npm name (pinned by `version`) or Debian binary package (its installed version is recorded). */
  name: string;
  version?: string;
  /** The licence as the package declares it (checked against the npm manifest; Debian: its copyright file). */
  licence: string;
  pick: Pick;
  /** A folder to read instead of a package (the tool's own test fixture; never in SOURCES). */
  dir?: string;
}

const ext = (rel: string) => path.extname(rel).toLowerCase();
const isTest = (rel: string) => /(^|\/)(tests?|__tests__|testdata|fixtures?)\//.test(rel);
/** Markdown and the package's own JSON manifest, common to every npm source. */
const docsAndManifest = (rel: string): Language | null =>
  /\.(md|markdown)$/i.test(rel) ? 'markdown' : rel === 'package.json' ? 'json' : null;
const js: Pick = (rel) =>
  /\.(js|cjs|mjs)$/.test(rel) && !/\.min\.js$|(^|\/)(dist|umd|bundles?)\//.test(rel)
    ? 'javascript'
    : docsAndManifest(rel);
const ts: Pick = (rel) => (/\.(ts|mts|cts)$/.test(rel) ? 'typescript' : docsAndManifest(rel));
const json: Pick = (rel) => (ext(rel) === '.json' ? 'json' : docsAndManifest(rel));
const yamlToo =
  (p: Pick): Pick =>
  (rel) =>
    /\.ya?ml$/.test(rel) ? 'yaml' : p(rel);

/**
 * Every source of the corpus. npm packages are pinned; the licences are all permissive (MIT, ISC, BSD, Apache-2.0,
 * PSF, zsh's, public domain). Korean: the only permissively licensed Korean text found in either registry is
 * TypeScript's Korean compiler messages (Apache-2.0); Debian's Korean prose (debian-faq-ko: GPL, gimp-help-ko:
 * GFDL, libreoffice-help-ko: MPL-2.0) is not permissive.
 */
export const SOURCES: Source[] = [
  // Python: Debian's standard library (the same text the first check trained on) and its headers for C.
  {
    origin: 'debian',
    name: 'libpython3.11-stdlib',
    licence: 'PSF-2.0',
    pick: (rel) =>
      rel.startsWith('usr/lib/python3.11/') && ext(rel) === '.py' && !rel.includes('/test/') ? 'python' : null,
  },
  // More Python: permissively licensed libraries as Debian packages them (tests left out, as above).
  ...(
    [
      ['python3-numpy', 'BSD-3-Clause'],
      ['python3-setuptools', 'MIT'],
      ['python3-pip', 'MIT (vendored libraries: MIT, BSD, Apache-2.0)'],
      ['python3-requests', 'Apache-2.0'],
      ['python3-urllib3', 'MIT'],
    ] as const
  ).map(([name, licence]): Source => ({
    origin: 'debian',
    name,
    licence,
    pick: (rel) => (rel.startsWith('usr/lib/python3/') && ext(rel) === '.py' && !isTest(rel) ? 'python' : null),
  })),
  {
    origin: 'debian',
    name: 'libpython3.11-dev',
    licence: 'PSF-2.0',
    pick: (rel) => (rel.startsWith('usr/include/') && ext(rel) === '.h' ? 'c' : null),
  },
  // English prose: the Python documentation's reStructuredText sources.
  {
    origin: 'debian',
    name: 'python3.11-doc',
    licence: 'PSF-2.0',
    pick: (rel) => (rel.includes('/_sources/') && rel.endsWith('.rst.txt') ? 'prose' : null),
  },
  // Shell: zsh's function library (zsh's licence is MIT-like) and bats (MIT).
  {
    origin: 'debian',
    name: 'zsh-common',
    licence: 'zsh (MIT-like)',
    pick: (rel) => (rel.startsWith('usr/share/zsh/functions/') && !/\.(zwc|gz)$/.test(rel) ? 'shell' : null),
  },
  { origin: 'debian', name: 'bats', licence: 'MIT', pick: (rel) => (rel.startsWith('usr/lib/bats') ? 'shell' : null) },
  // C: libuv's and OpenSSL's headers, SQLite's amalgamation (public domain) and better-sqlite3's C++.
  {
    origin: 'debian',
    name: 'libuv1-dev',
    licence: 'MIT',
    pick: (rel) => (rel.startsWith('usr/include/') && ext(rel) === '.h' ? 'c' : null),
  },
  {
    origin: 'debian',
    name: 'libssl-dev',
    licence: 'Apache-2.0',
    pick: (rel) => (rel.startsWith('usr/include/') && ext(rel) === '.h' ? 'c' : null),
  },
  {
    origin: 'npm',
    name: 'better-sqlite3',
    version: '12.4.1',
    licence: 'MIT',
    pick: (rel) => (/\.(c|h|cpp|hpp)$/.test(rel) ? 'c' : docsAndManifest(rel)),
  },
  { origin: 'debian', name: 'python3-yaml', licence: 'MIT', pick: (rel) => (/\.ya?ml$/.test(rel) ? 'yaml' : null) },
  // JavaScript: hand-written library source.
  { origin: 'npm', name: 'eslint', version: '9.39.5', licence: 'MIT', pick: js },
  {
    origin: 'npm',
    name: 'webpack',
    version: '5.101.0',
    licence: 'MIT',
    pick: (r) => (r === 'types.d.ts' ? 'typescript' : js(r)),
  },
  { origin: 'npm', name: 'lodash', version: '4.17.21', licence: 'MIT', pick: js },
  { origin: 'npm', name: 'express', version: '4.21.2', licence: 'MIT', pick: js },
  { origin: 'npm', name: 'mocha', version: '11.8.0', licence: 'MIT', pick: yamlToo(js) },
  { origin: 'npm', name: 'core-js', version: '3.45.1', licence: 'MIT', pick: js },
  { origin: 'npm', name: 'yargs', version: '17.7.2', licence: 'MIT', pick: js },
  { origin: 'npm', name: 'commander', version: '14.0.0', licence: 'MIT', pick: js },
  // TypeScript: sources and declarations.
  {
    origin: 'npm',
    name: 'rxjs',
    version: '7.8.2',
    licence: 'Apache-2.0',
    pick: (r) => (r.startsWith('src/') ? ts(r) : docsAndManifest(r)),
  },
  {
    origin: 'npm',
    name: 'zod',
    version: '3.25.76',
    licence: 'MIT',
    pick: (r) => (r.startsWith('src/') && !isTest(r) ? ts(r) : docsAndManifest(r)),
  },
  {
    origin: 'npm',
    name: 'typescript',
    version: '5.9.3',
    licence: 'Apache-2.0',
    pick: (r) =>
      r === 'lib/ko/diagnosticMessages.generated.json'
        ? 'korean'
        : /^lib\/lib\..*\.d\.ts$/.test(r)
          ? 'typescript'
          : r === 'package.json'
            ? 'json'
            : null,
  },
  { origin: 'npm', name: '@types/node', version: '20.19.43', licence: 'MIT', pick: ts },
  { origin: 'npm', name: 'typescript-eslint', version: '8.44.0', licence: 'MIT', pick: ts },
  // JSON: data files and manifests.
  { origin: 'npm', name: 'mime-db', version: '1.54.0', licence: 'MIT', pick: json },
  { origin: 'npm', name: 'spdx-license-list', version: '6.10.0', licence: 'CC0-1.0', pick: json },
  { origin: 'npm', name: 'browserslist', version: '4.25.4', licence: 'MIT', pick: json },
];

/** Licences let into the corpus from the lockfile's packages (as package-lock.json records them). */
export const PERMISSIVE = new Set([
  'MIT',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'Apache-2.0',
  '0BSD',
  'CC0-1.0',
  'BlueOak-1.0.0',
  'Python-2.0',
  'Unlicense',
  '(MIT OR Apache-2.0)',
  '(MIT OR CC0-1.0)',
]);

/**
 * Markdown (and manifests) of every permissively licensed npm package the project's lockfile pins, read where
 * `npm ci` put them: the READMEs, changelogs and docs that the packages above alone hold too little of.
 */
export function lockfileSources(root: string, exclude: ReadonlySet<string>): Source[] {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; license?: string }>;
  };
  const out: Source[] = [];
  for (const [where, p] of Object.entries(lock.packages)) {
    if (!where.startsWith('node_modules/') || !p.version || !p.license || !PERMISSIVE.has(p.license)) continue;
    const name = where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const dir = path.join(root, where);
    if (exclude.has(name) || !fs.existsSync(path.join(dir, 'package.json'))) continue;
    out.push({
      origin: 'npm',
      name: `${name}@${p.version}`,
      version: p.version,
      licence: p.license,
      dir,
      pick: (rel) => (rel.includes('node_modules/') ? null : /\.ya?ml$/.test(rel) ? 'yaml' : docsAndManifest(rel)),
    });
  }
  return out;
}

/** Characters each language may take (the rest of a package is left out by a seeded pick of whole files). */
export const LANGUAGE_BUDGET: Record<Language, number> = {
  python: 10_000_000, // the largest share: the first check's 4.6 MB of Python alone already moved every probe
  javascript: 8_000_000,
  typescript: 8_000_000,
  c: 5_000_000,
  shell: 2_500_000,
  json: 1_500_000,
  yaml: 300_000, // all the permissive YAML the two registries hold is small
  markdown: 2_500_000,
  prose: 5_000_000,
  korean: 400_000,
};

/** Documents longer than this are cut at line ends into pieces of about this size (one split unit each). */
export const PIECE_CHARS = 65_536;
/** Share of each language's documents held out (chosen by a hash of the path, so stable as sources grow). */
export const HELD_OUT_PERCENT = 3;
/** At most this much held-out text per language (keeps the per-language evaluation to seconds). */
export const HELD_OUT_MAX = 120_000;

export interface CorpusDoc {
  language: Language;
  source: string;
  path: string;
  text: string;
}

export interface SourceRecord {
  origin: 'npm' | 'debian';
  name: string;
  version: string;
  licence: string;
  files: number;
  chars: number;
  languages: Partial<Record<Language, number>>;
}

export interface Corpus {
  train: CorpusDoc[];
  heldOut: CorpusDoc[];
  sources: SourceRecord[];
}

/** Cuts a long text at line ends into pieces of about PIECE_CHARS. */
export function pieces(text: string, size = PIECE_CHARS): string[] {
  if (text.length <= size) return [text];
  const out: string[] = [];
  let a = 0;
  while (a < text.length) {
    let b = Math.min(text.length, a + size);
    if (b < text.length) {
      const nl = text.lastIndexOf('\n', b);
      if (nl > a) b = nl + 1;
    }
    out.push(text.slice(a, b));
    a = b;
  }
  return out;
}

const heldOutByHash = (key: string) => parseInt(sha256Hex(key).slice(0, 8), 16) % 100 < HELD_OUT_PERCENT;

/** Reads a file as text; null for binary or non-UTF-8 content. */
function readText(file: string): string | null {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return null;
  }
  if (buf.includes(0)) return null;
  const text = buf.toString('utf8');
  return text.includes('\uFFFD') ? null : text;
}

/** Where a package's files are, and its version: npm packs are fetched (pinned) and unpacked into `cache`. */
function materialise(
  src: Source,
  cache: string,
  log: (m: string) => void,
): { root: string; files: string[]; version: string } {
  if (src.dir) {
    const files = (fs.readdirSync(src.dir, { recursive: true }) as string[]).filter((f) =>
      fs.statSync(path.join(src.dir!, f)).isFile(),
    );
    return { root: src.dir, files: files.sort(), version: src.version ?? '0' };
  }
  if (src.origin === 'npm') {
    const dir = path.join(cache, 'npm', `${src.name.replace('/', '+')}@${src.version}`);
    // A tarball holds one folder, usually package/ (@types packs name it after the package).
    const top = () =>
      fs.existsSync(dir)
        ? fs.readdirSync(dir).find((f) => fs.existsSync(path.join(dir, f, 'package.json')))
        : undefined;
    if (!top()) {
      fs.mkdirSync(dir, { recursive: true });
      log(`npm pack ${src.name}@${src.version}`);
      const tgz = execFileSync('npm', ['pack', `${src.name}@${src.version}`, '--silent'], {
        cwd: dir,
        encoding: 'utf8',
      })
        .trim()
        .split('\n')
        .pop()!;
      execFileSync('tar', ['xzf', tgz], { cwd: dir });
      fs.rmSync(path.join(dir, tgz));
    }
    const root = path.join(dir, top()!);
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      license?: string;
      version?: string;
    };
    if (manifest.license !== src.licence && !(src.licence === 'CC0-1.0' && manifest.license === 'CC0-1.0'))
      throw new Error(`${src.name} declares licence ${manifest.license}, the table says ${src.licence}`);
    const files = (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) =>
      fs.statSync(path.join(root, f)).isFile(),
    );
    return { root, files: files.sort(), version: manifest.version ?? src.version! };
  }
  const query = () => execFileSync('dpkg-query', ['-W', '-f=${Version}', src.name], { encoding: 'utf8' }).trim();
  let version = '';
  try {
    version = query();
  } catch {
    version = '';
  }
  if (!version) {
    log(`apt-get install ${src.name}`);
    execFileSync('apt-get', ['install', '-y', '-qq', src.name], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    version = query();
  }
  const listed = execFileSync('dpkg', ['-L', src.name], { encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\n')
    .filter((f) => f.startsWith('/') && fs.existsSync(f) && fs.statSync(f).isFile())
    .map((f) => f.slice(1));
  return { root: '/', files: listed.sort(), version };
}

/**
 * Assembles the corpus from SOURCES (or `sources`, for tests): every picked file of every package, long ones in
 * pieces; per language a seeded choice of whole files up to its budget; a hashed 3 % of each language held out.
 */
export function assembleCorpus(
  cache: string,
  opts: {
    sources?: Source[];
    budget?: Partial<Record<Language, number>>;
    seed?: number;
    log?: (m: string) => void;
  } = {},
): Corpus {
  const log = opts.log ?? (() => {});
  const budget = { ...LANGUAGE_BUDGET, ...(opts.budget ?? {}) };
  const byLang = new Map<Language, CorpusDoc[]>();
  const records: SourceRecord[] = [];
  for (const src of opts.sources ?? SOURCES) {
    const { root, files, version } = materialise(src, cache, log);
    const rec: SourceRecord = {
      origin: src.origin,
      name: src.name,
      version,
      licence: src.licence,
      files: 0,
      chars: 0,
      languages: {},
    };
    records.push(rec);
    for (const rel of files) {
      const lang = src.pick(rel.split(path.sep).join('/'));
      if (!lang) continue;
      const text = readText(path.join(root, rel));
      if (!text || text.trim().length < 32) continue;
      const list = byLang.get(lang) ?? [];
      pieces(text).forEach((t, k) =>
        list.push({ language: lang, source: src.name, path: k ? `${rel}#${k}` : rel, text: t }),
      );
      byLang.set(lang, list);
    }
  }
  const rng = new Rng(opts.seed ?? 20);
  const train: CorpusDoc[] = [];
  const heldOut: CorpusDoc[] = [];
  for (const lang of LANGUAGES) {
    const docs = byLang.get(lang) ?? [];
    shuffle(docs, rng);
    let used = 0;
    let held = 0;
    for (const d of docs) {
      if (heldOutByHash(`${d.source}/${d.path}`) || (held === 0 && d === docs[docs.length - 1])) {
        if (held < HELD_OUT_MAX) {
          heldOut.push(d);
          held += d.text.length;
        }
        continue;
      }
      if (used >= budget[lang]) continue;
      train.push(d);
      used += d.text.length;
    }
  }
  const recordOf = new Map(records.map((r) => [r.name, r]));
  for (const d of train) {
    const rec = recordOf.get(d.source)!;
    rec.files++;
    rec.chars += d.text.length;
    rec.languages[d.language] = (rec.languages[d.language] ?? 0) + d.text.length;
  }
  shuffle(train, rng);
  return { train, heldOut, sources: records };
}

/** Fisher-Yates with our seeded generator. */
export function shuffle<T>(xs: T[], rng: Rng): void {
  for (let k = xs.length - 1; k > 0; k--) {
    const j = rng.int(k + 1);
    [xs[k], xs[j]] = [xs[j], xs[k]];
  }
}

/** Documents as one training text: each ends with a blank line, as files are read one after another. */
export function joinDocs(docs: CorpusDoc[]): string {
  return docs.map((d) => (d.text.endsWith('\n') ? d.text : d.text + '\n') + '\n').join('');
}
