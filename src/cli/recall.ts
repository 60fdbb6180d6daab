// `npm run lab -- FILE --recall [--steps 600] [--hidden 32] [--match params|hidden] [--gaps 5,10,20,50,100,200]
// [--cues 8] [--seed 1337] [--schedule each-gap|curriculum]`, or `--synthetic` instead of FILE (random letters as distractor text): the recall
// experiment (model/lab/recall.ts), one line per gap with each cell's accuracy, its 95 % interval and chance.
import * as fs from 'node:fs';
import type { EngineBackend } from '../model/backend';
import { DEFAULT_RECALL_OPTIONS, runRecall, syntheticRecallText, type RecallOptions } from '../model/lab/recall';
import { TextDoc } from '../model/textDoc';
import type { RecallResult } from '../shared/domain';
import { numberOption } from './args';

const f2 = (x: number) => x.toFixed(2);

/** One line per gap: `gap 50: lstm 0.97 [0.95, 0.99] gru 0.96 [0.93, 0.98] rnn 0.21 [0.17, 0.25] chance 0.05`. */
export function recallLines(r: RecallResult): string[] {
  return r.gaps.map((gap) => {
    const cells = r.cells.map((c) => {
      const p = c.points.find((q) => q.gap === gap)!;
      return `${c.cell} ${f2(p.accuracy)} [${f2(p.lo)}, ${f2(p.hi)}]`;
    });
    return `gap ${gap}: ${cells.join(' ')} chance ${f2(r.chance)}`;
  });
}

export async function recallMain(file: string | null, opt: Map<string, string>, backend: EngineBackend): Promise<void> {
  const d = DEFAULT_RECALL_OPTIONS;
  const match = opt.get('match') ?? d.match;
  if (match !== 'params' && match !== 'hidden') throw new Error('--match is params or hidden');
  const schedule = opt.get('schedule') ?? d.schedule;
  if (schedule !== 'curriculum' && schedule !== 'each-gap') throw new Error('--schedule is curriculum or each-gap');
  const gaps = opt.has('gaps') ? opt.get('gaps')!.split(',').map(Number) : d.gaps;
  if (gaps.some((g) => !Number.isInteger(g) || g < 2)) throw new Error('--gaps takes integers ≥ 2, e.g. 5,10,20');
  const o: Partial<RecallOptions> = {
    steps: Math.round(numberOption(opt, 'steps', d.steps, true)),
    hiddenSize: Math.round(numberOption(opt, 'hidden', d.hiddenSize, true)),
    cues: Math.round(numberOption(opt, 'cues', d.cues, true)),
    seed: Math.round(numberOption(opt, 'seed', d.seed)),
    match,
    gaps,
    schedule,
  };
  const text = file === null ? syntheticRecallText(100_000, o.seed!) : fs.readFileSync(file, 'utf8');
  const doc = new TextDoc(text, 1);
  const t0 = performance.now();
  let lastPrint = 0;
  const r = await runRecall(doc.syms, o, backend.arena, {
    onProgress: (p) => {
      const now = performance.now();
      if (now - lastPrint < 5000 && p.step !== p.steps) return;
      lastPrint = now;
      console.error(
        `  ${p.cell} step ${p.step}/${p.steps}: training accuracy ${f2(p.trainAccuracy)} at gaps up to ${p.gapReached} (${((now - t0) / 1000).toFixed(0)} s)`,
      );
    },
  });
  console.log(
    `${file ?? 'synthetic text'}: recall of one of ${r.cues.length} cues (${r.cues}) after ${JSON.stringify(r.opener)}, recalled after ${JSON.stringify(r.marker)}; ` +
      `${o.schedule}, ${o.steps} steps per model, seed ${r.seed}; ${backend.name}`,
  );
  for (const c of r.cells)
    console.log(
      `  ${c.cell} H=${c.hiddenSize} ${c.params} params, ${c.steps} steps, curriculum reached gap ${c.reachedGap}`,
    );
  for (const line of recallLines(r)) console.log(line);
  console.log(`${r.verdict} (${r.elapsedSec.toFixed(1)} s)`);
}
