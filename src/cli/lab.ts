// `npm run lab -- FILE [--seconds 60] [--hidden 128] [--match params|hidden] [--until pace|plateau|steps]
// [--steps N] [--threads N]`, or `npm run lab -- FILE --recall …` for the recall experiment (cli/recall.ts).
// The long-term-dependency lab on a file: trains an LSTM, a GRU and a vanilla RNN (same engine, same
// 90/10 split, `--seconds` each; by default the GRU and RNN get the parameter count of an LSTM of
// `--hidden` units), prints held-out bits per character per cell, then the long-range probe: for every
// closing bracket / quote in the held-out tail, the probability each model gives the correct closer,
// by distance to its opener, with 95 % intervals and a verdict in words, and the summary over distances > 20.
// --until plateau trains every cell until its held-out bpc stops improving (each capped at --seconds).
import * as fs from 'node:fs';
import { initBackend } from '../model/backend';
import { CompareSession, type ProbeBucket } from '../model/lab/compare';
import { TextDoc } from '../model/textDoc';
import { numberOption, parseArgs } from './args';
import { languageIdOfFile } from './languages';
import { recallMain } from './recall';
import { nodeTrainers, threadsOption } from './nodeTrainer';

const CELLS = ['lstm', 'gru', 'rnn'] as const;
const fmt = (x: number | null, d = 3) => (x === null ? '–' : x.toFixed(d));

/** Count-weighted mean over buckets beyond a distance. */
function beyond(buckets: ProbeBucket[], minExclusive: number, key: 'meanProb' | 'top1') {
  const sel = buckets.filter((b) => b.minDistance > minExclusive && b.count > 0);
  const n = sel.reduce((a, b) => a + b.count, 0);
  const out: Record<string, number | null> = {};
  for (const c of CELLS)
    out[c] =
      n === 0 || sel.some((b) => b[key][c] === null) ? null : sel.reduce((a, b) => a + b[key][c]! * b.count, 0) / n;
  return { n, out };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flags = new Set(['--recall', '--synthetic'].filter((f) => argv.includes(f))); // flags take no value
  const { pos, opt } = parseArgs(argv.filter((a) => !flags.has(a)));
  if (flags.has('--recall')) {
    const backend = await initBackend('wasm', { log: (level, m) => (level === 'info' ? undefined : console.error(m)) });
    return recallMain(flags.has('--synthetic') ? null : (pos[0] ?? null), opt, backend);
  }
  if (pos.length !== 1) {
    console.error('usage: npm run lab -- FILE [--seconds 60] [--hidden 128] [--match params|hidden]');
    process.exit(2);
  }
  const file = pos[0];
  const seconds = numberOption(opt, 'seconds', 60, true);
  const hidden = Math.round(numberOption(opt, 'hidden', 128, true));
  const match = opt.get('match') ?? 'params';
  if (match !== 'params' && match !== 'hidden') throw new Error('--match is params or hidden');
  const until = opt.get('until') ?? (opt.has('steps') ? 'steps' : 'pace');
  if (until !== 'pace' && until !== 'plateau' && until !== 'steps')
    throw new Error('--until is pace, plateau or steps');
  const steps = Math.round(numberOption(opt, 'steps', 0));
  const text = fs.readFileSync(file, 'utf8');
  const doc = new TextDoc(text, 1);
  const backend = await initBackend('wasm', {
    log: (level, m) => (level === 'info' ? undefined : console.error(m)),
  });
  console.log(
    `${file}: ${doc.tokenCount} characters; ${backend.name}; ${seconds} s per cell, until ${until}${until === 'steps' ? ` ${steps}` : ''}; match ${match} (LSTM H=${hidden})`,
  );
  const session = new CompareSession(backend.arena, nodeTrainers(threadsOption(opt)));
  let lastPrint = 0;
  const languageId = languageIdOfFile(file);
  const res = await session.run(
    doc,
    { budgetSec: seconds, match, hiddenSize: hidden, languageId, until, steps },
    (p) => {
      const now = Date.now();
      if (now - lastPrint < 10000) return;
      lastPrint = now;
      console.log(
        `  ${p.cell} H=${p.hiddenSize} step ${p.point.step} loss ${p.point.loss.toFixed(3)} held-out ${fmt(p.point.heldOutBpc)} bpc at ${p.point.elapsedSec.toFixed(0)} s`,
      );
    },
  );
  console.log('\ncell  hidden  params   steps  held-out bpc  best at  ended by');
  for (const r of res.results)
    console.log(
      `${r.cell.padEnd(5)} ${String(r.hiddenSize).padStart(6)} ${String(r.params).padStart(7)} ${String(r.steps).padStart(7)}  ${fmt(r.heldOutBpc).padStart(12)}  ${String(r.bestStep ?? '–').padStart(7)}  ${r.ended ?? ''}`,
    );
  const t0 = performance.now();
  const probe = await session.probe();
  console.log(
    `\nlong-range probe on the held-out tail (from offset ${probe.heldOutStart}; ${((performance.now() - t0) / 1000).toFixed(1)} s):`,
  );
  console.log('distance  closers   p(correct closer) [95 % bootstrap] per cell, then top-1 [95 % Wilson]');
  const withCi = (x: number | null, ci: [number, number] | null) =>
    x === null || ci === null ? '–' : `${x.toFixed(3)} [${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}]`;
  for (const b of probe.buckets) {
    console.log(
      `${b.label.padEnd(8)} ${String(b.count).padStart(8)}   p: ${CELLS.map((c) => `${c} ${withCi(b.meanProb[c], b.meanProbCi[c])}`).join('  ')}`,
    );
    console.log(`${''.padEnd(20)}top-1: ${CELLS.map((c) => `${c} ${withCi(b.top1[c], b.top1Ci[c])}`).join('  ')}`);
  }
  console.log(`verdict: ${probe.verdict}`);
  const p = beyond(probe.buckets, 20, 'meanProb');
  const a = beyond(probe.buckets, 20, 'top1');
  console.log(
    `\ndistance > 20 (${p.n} closers): mean p(correct) ${CELLS.map((c) => `${c} ${fmt(p.out[c])}`).join(', ')}; ` +
      `top-1 accuracy ${CELLS.map((c) => `${c} ${fmt(a.out[c])}`).join(', ')}`,
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
