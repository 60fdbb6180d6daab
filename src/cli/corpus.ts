// A deterministic, seeded text generator (source-like and prose-like) for tests and the benchmark:
// no downloads, same bytes on every machine for the same seed and size.
import { Rng } from '../model/rng';

const NOUNS =
  'model state gate cell value token window stream editor cursor layer weight file line buffer cache error result signal memory vector matrix reader writer river garden letter market engine'.split(
    ' ',
  );
const VERBS =
  'reads writes forgets keeps returns updates carries moves opens closes builds checks counts follows predicts learns shows hides measures'.split(
    ' ',
  );
const ADJS =
  'small quiet recurrent hidden bright slow careful simple open long short early late next last first clear'.split(' ');
const DETS = 'the a every each this that no one'.split(' ');
const PREPS = 'in on under over with from into after before through'.split(' ');
const IDENTS = 'count index total value offset length buffer state result item node cache width height name size'.split(
  ' ',
);
const TYPES = 'number string boolean Buffer Node State Result'.split(' ');

/** Zipf-ish pick: early entries are much more common, as in real text. */
function pick<T>(rng: Rng, xs: readonly T[]): T {
  const u = rng.next();
  return xs[Math.min(xs.length - 1, Math.floor(xs.length * u * u))];
}

function sentence(rng: Rng): string {
  const np = () => `${pick(rng, DETS)} ${rng.next() < 0.5 ? pick(rng, ADJS) + ' ' : ''}${pick(rng, NOUNS)}`;
  let s = `${np()} ${pick(rng, VERBS)} ${np()}`;
  if (rng.next() < 0.6) s += ` ${pick(rng, PREPS)} ${np()}`;
  if (rng.next() < 0.3) s += `, and ${np()} ${pick(rng, VERBS)} ${np()}`;
  return s[0].toUpperCase() + s.slice(1) + (rng.next() < 0.9 ? '.' : '?');
}

function paragraph(rng: Rng): string {
  const n = 2 + rng.int(5);
  const out: string[] = [];
  for (let k = 0; k < n; k++) out.push(sentence(rng));
  return out.join(' ') + '\n\n';
}

function func(rng: Rng): string {
  const name = pick(rng, VERBS).replace(/s$/, '') + pick(rng, NOUNS)[0].toUpperCase() + pick(rng, NOUNS).slice(1);
  const a = pick(rng, IDENTS);
  const b = pick(rng, IDENTS);
  const t = pick(rng, TYPES);
  const lines = [`export function ${name}(${a}: ${t}, ${b}: number): ${t} {`];
  const n = 1 + rng.int(4);
  for (let k = 0; k < n; k++) {
    const v = pick(rng, IDENTS);
    const r = rng.next();
    if (r < 0.35) lines.push(`  const ${v} = ${a}.${pick(rng, IDENTS)} + ${rng.int(100)};`);
    else if (r < 0.6) lines.push(`  if (${v} > ${b}) {`, `    return ${a};`, `  }`);
    else if (r < 0.8) lines.push(`  for (let i = 0; i < ${b}; i++) {`, `    ${v} += ${a}[i];`, `  }`);
    else lines.push(`  // ${sentence(rng).toLowerCase()}`);
  }
  lines.push(`  return ${a};`, '}', '', '');
  return lines.join('\n');
}

/** About `chars` UTF-16 units of mixed prose and code, deterministic in `seed`. */
export function generateCorpus(chars: number, seed = 42): string {
  const rng = new Rng(seed);
  const parts: string[] = [];
  let n = 0;
  while (n < chars) {
    const p = rng.next() < 0.5 ? paragraph(rng) : func(rng);
    parts.push(p);
    n += p.length;
  }
  return parts.join('').slice(0, chars);
}
