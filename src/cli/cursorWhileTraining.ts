// `npm run bench -- --cursor-while-training [--quick]`: the cursor-answer figure while training runs on every
// core, through the extension's own trainer worker bundle (dist/worker.js, which starts the helper threads
// from dist/gradWorker.js): a ~1 MB real text, the default model and training, and predict calls at random
// offsets (one at a time, as cursor moves are) timed from call to answer. Prints p50/p95 with the threads
// the trainer chose and the load. A figure, not an assertion.
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG } from '../model/config';
import { Rng } from '../model/rng';
import { Channel } from '../protocol/channel';
import {
  TRAINER_CONTRACT,
  type TrainerCalls,
  type TrainerEvents,
  type TrainerNotifications,
} from '../protocol/trainerApi';
import { buildRealText } from './realText';

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

export async function cursorWhileTraining(quick: boolean): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  const real = buildRealText(root, quick ? 300_000 : 1_000_000);
  const w = new Worker(path.join(root, 'dist/worker.js'));
  const ch = new Channel<TrainerCalls, TrainerNotifications, TrainerEvents>({
    contract: TRAINER_CONTRACT,
    post: (m, transfer) => w.postMessage(m, transfer),
    onProblem: (why) => console.error(`worker message refused: ${why}`),
    peer: 'The trainer worker',
  });
  w.on('message', (raw) => ch.receive(raw));
  const notes: string[] = [];
  let step = 0;
  let cps = 0;
  ch.on('trainingStatus', (s) => s.message && notes.push(s.message));
  ch.on('trainingProgress', (p) => {
    step = p.progress.step;
    cps = p.progress.charsPerSec;
  });
  await new Promise<void>((r) => ch.on('ready', () => r()));
  const docId = 'bench';
  const chunk = 512 * 1024;
  for (let o = 0; o < real.text.length; o += chunk)
    ch.notify('documentChunk', { docId, version: 1, offset: o, text: real.text.slice(o, o + chunk) });
  ch.notify('documentEnd', { docId, version: 1, length: real.text.length });
  ch.notify('train', {
    docId,
    model: DEFAULT_MODEL_CONFIG,
    training: { ...DEFAULT_TRAINING_CONFIG, timeBudgetSec: 600 },
    resume: false,
  });
  // The first weights and the thread probe (a few seconds), then queries while training goes on.
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  for (let k = 0; k < 200 && (step < 20 || !notes.some((n) => /measured again/.test(n))); k++) await sleep(100);
  const rng = new Rng(3);
  const ms: number[] = [];
  const n = quick ? 60 : 200;
  const load = os.loadavg()[0];
  for (let k = 0; k < n; k++) {
    const offset = rng.int(real.text.length);
    const t0 = performance.now();
    await ch.call('predict', { docId, version: 1, offset, topK: 10, context: 40 }, { timeoutMs: 10000 });
    ms.push(performance.now() - t0);
    await sleep(30); // a cursor move every ~30 ms at most, as the host's throttle sends them
  }
  ch.notify('stopTraining', { docId });
  const threads = notes.filter((m) => /thread/.test(m)).pop() ?? '?';
  console.log(
    `cursor-to-answer while training (dist/worker.js, ${real.text.length} chars, H=${DEFAULT_MODEL_CONFIG.hiddenSize}): ` +
      `p50 ${pct(ms, 50).toFixed(2)} ms, p95 ${pct(ms, 95).toFixed(2)} ms over ${n} queries (target p95 ≤ 8 ms: ${pct(ms, 95) <= 8 ? 'met' : 'MISSED'})`,
  );
  console.log(
    `  training meanwhile: step ${step}, ${Math.round(cps)} chars/s; ${threads}; load average ${load.toFixed(2)} on ${os.cpus().length} cores`,
  );
  ch.failAll('bench over');
  await w.terminate();
}
