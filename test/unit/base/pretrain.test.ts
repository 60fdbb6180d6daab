// `npm run pretrain` on a tiny fixture: it writes a base and a manifest that say what went in, and a run stopped
// part-way and resumed ends exactly where an uninterrupted run does.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateCorpus } from '../../../src/cli/corpus';
import { loadBase } from '../../../src/model/base/baseFile';

const tool = path.join(__dirname, '../../../cli/pretrain.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lens-pretrain-'));
const fixture = path.join(tmp, 'fixture');

function pretrain(out: string, ...args: string[]): string {
  const r = spawnSync(
    process.execPath,
    [
      tool,
      '--fixture',
      fixture,
      '--out',
      out,
      '--cache',
      path.join(tmp, 'cache'),
      '--hidden',
      '8',
      '--threads',
      '1',
      '--steps',
      '16',
      ...args,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0) throw new Error(`pretrain exited ${r.status}: ${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const read = (dir: string, f: string) => fs.readFileSync(path.join(dir, f));
/** The parts of manifest.json these tests read. */
interface Manifest {
  base: string;
  weightsSha256: string;
  steps: number;
  runs: { steps: number }[];
  schedule: { learningRate: string };
  heldOutBpc: Record<string, number>;
  corpus: {
    sources: { name: string; version: string; licence: string; files: number }[];
    trainCharsPerLanguage: Record<string, number>;
    heldOutCharsPerLanguage: Record<string, number>;
  };
}
const manifestOf = (dir: string) => JSON.parse(read(dir, 'manifest.json').toString()) as Manifest;

describe('cli/pretrain', function () {
  this.timeout(240_000);

  before(() => {
    fs.mkdirSync(path.join(fixture, 'lib'), { recursive: true });
    // Many small documents, so the hashed 3 % held-out split has something of every language.
    for (let k = 0; k < 40; k++) {
      fs.writeFileSync(path.join(fixture, 'lib', `m${k}.ts`), generateCorpus(900, 100 + k));
      fs.writeFileSync(path.join(fixture, `notes${k}.md`), '# Notes\n\n' + generateCorpus(500, 200 + k));
      fs.writeFileSync(
        path.join(fixture, `s${k}.py`),
        `def f${k}(x):\n    return x + ${k}\n\n# ${generateCorpus(300, 300 + k)}\n`,
      );
    }
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes a base whose manifest records the sources, the split per language, the steps and the bpc', () => {
    const out = path.join(tmp, 'once');
    const log = pretrain(out);
    assert.match(log, /corpus 0\.\d M chars in \d+ documents from 1 packages/);
    assert.match(log, /plan complete at step 16/);
    const m = manifestOf(out);
    const base = loadBase(read(out, 'base.json').toString(), new Uint8Array(read(out, 'base.f16.bin')));
    assert.equal(m.base, base.id);
    assert.equal(m.weightsSha256, base.weightsSha256);
    assert.equal(m.steps, 16);
    assert.equal(m.runs.length, 1);
    assert.deepEqual(
      m.corpus.sources.map((s) => [s.name, s.version, s.licence]),
      [['fixture', '0.0.0', 'MIT']],
    );
    assert.ok(m.corpus.sources[0].files >= 100, `${m.corpus.sources[0].files} files`);
    assert.deepEqual(Object.keys(m.corpus.trainCharsPerLanguage).sort(), ['markdown', 'python', 'typescript']);
    for (const lang of Object.keys(m.corpus.heldOutCharsPerLanguage)) assert.ok(m.heldOutBpc[lang] > 0, lang);
    assert.ok(m.heldOutBpc.all > 0 && m.heldOutBpc.all < 8, `all ${m.heldOutBpc.all}`);
    assert.match(m.schedule.learningRate, /warm-up .* cosine decay/);
    assert.equal(base.info.steps, 16);
  });

  it('a run stopped half-way resumes from its checkpoint and ends with the same weights', () => {
    const split = path.join(tmp, 'split');
    assert.match(pretrain(split, '--until', '8'), /stopped; run it again to resume at step 8/);
    assert.equal(manifestOf(split).steps, 8);
    assert.match(pretrain(split), /resuming at step 8/);
    const whole = path.join(tmp, 'whole');
    pretrain(whole);
    const m = manifestOf(split);
    assert.deepEqual(
      m.runs.map((r) => r.steps),
      [8, 8],
    );
    assert.deepEqual(read(split, 'base.f16.bin'), read(whole, 'base.f16.bin'));
    assert.deepEqual(m.heldOutBpc, manifestOf(whole).heldOutBpc);
  });

  it('refuses to resume on another corpus', () => {
    const out = path.join(tmp, 'other');
    pretrain(out, '--until', '4');
    fs.appendFileSync(path.join(fixture, 's0.py'), 'x = 1\n');
    assert.throws(() => pretrain(out), /trained on another corpus/);
  });
});
