// `npm run bench -- --cursor-while-training [--quick] [--against DIR]`: the cursor-answer figure while training
// runs on every core, through the extension's own trainer worker bundle (dist/worker.js, which starts the helper
// threads from dist/gradWorker.js), started as the extension starts it (with its doorbell): a ~1 MB real text,
// the default model and training, and predict calls at random offsets (one at a time, as cursor moves are)
// timed from call to answer. Per session it prints p50/p95 while training, the same queries once training
// stopped (the answer's own cost), steps/s with no query pending and while queried, the threads the trainer
// chose and the load. `--against DIR` alternates sessions with another build's worker (say main's dist/) in the
// same run and prints both and the ratios. Figures, not assertions.
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { initBackend } from '../model/backend';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG } from '../model/config';
import { Rng } from '../model/rng';
import { TextDoc } from '../model/textDoc';
import { Trainer } from '../model/trainer';
import { Vocab } from '../model/vocab';
import { Channel } from '../protocol/channel';
import { Doorbell } from '../protocol/doorbell';
import {
  TRAINER_CONTRACT,
  type TrainerCalls,
  type TrainerEvents,
  type TrainerNotifications,
} from '../protocol/trainerApi';
import { buildRealText, type RealText } from './realText';

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Session {
  /** Call to answer while training, ms. */
  busy: number[];
  /** The same queries after training stopped: the answer alone. */
  idle: number[];
  /** Training steps per second with no query pending, and while the queries ran. */
  quietStepsPerSec: number;
  queriedStepsPerSec: number;
  threads: string;
  load: number;
}

/** One worker from `dist`: load the text, train, query while it trains, stop, query again. */
async function session(dist: string, real: RealText, n: number, quietSec: number): Promise<Session> {
  const doorbell = new Doorbell();
  const w = new Worker(path.join(dist, 'worker.js'), { workerData: { doorbell: doorbell.sab } });
  const ch = new Channel<TrainerCalls, TrainerNotifications, TrainerEvents>({
    contract: TRAINER_CONTRACT,
    post: (m, transfer) => {
      w.postMessage(m, transfer);
      doorbell.ring();
    },
    onProblem: (why) => console.error(`worker message refused: ${why}`),
    peer: 'The trainer worker',
  });
  w.on('message', (raw) => ch.receive(raw));
  const notes: string[] = [];
  let step = 0;
  let status = '';
  ch.on('trainingStatus', (s) => {
    status = s.status;
    if (s.message) notes.push(s.message);
  });
  ch.on('trainingProgress', (p) => (step = p.progress.step));
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
  // The first weights and the thread probe (a few seconds), then a quiet stretch, then queries.
  for (let k = 0; k < 200 && (step < 20 || !notes.some((m) => /measured again/.test(m))); k++) await sleep(100);
  const rate = async (during: () => Promise<void>) => {
    const s0 = step;
    const t0 = performance.now();
    await during();
    return ((step - s0) / (performance.now() - t0)) * 1000;
  };
  const quietStepsPerSec = await rate(() => sleep(quietSec * 1000));
  const rng = new Rng(3);
  const offsets = Array.from({ length: n }, () => rng.int(real.text.length));
  const load = os.loadavg()[0];
  const ask = async (offset: number) => {
    const t0 = performance.now();
    await ch.call('predict', { docId, version: 1, offset, topK: 10, context: 40 }, { timeoutMs: 10000 });
    return performance.now() - t0;
  };
  const busy: number[] = [];
  const queriedStepsPerSec = await rate(async () => {
    for (const offset of offsets) {
      busy.push(await ask(offset));
      await sleep(30); // a cursor move every ~30 ms at most, as the host's throttle sends them
    }
  });
  const threads = notes.filter((m) => /thread/.test(m)).pop() ?? '?';
  ch.notify('stopTraining', { docId });
  for (let k = 0; k < 100 && status === 'training'; k++) await sleep(50);
  const idle: number[] = [];
  for (const offset of offsets) idle.push(await ask(offset));
  ch.failAll('bench over');
  await w.terminate();
  return { busy, idle, quietStepsPerSec, queriedStepsPerSec, threads, load };
}

/**
 * What bounds a waiting query's wait: the longest stretches of a training step between two yields (one thread,
 * this build's engine, in this process), over `steps` steps after two warm-up steps.
 */
async function stretches(real: RealText, steps: number): Promise<number[]> {
  const { arena } = await initBackend('wasm', {});
  const doc = new TextDoc(real.text, 1);
  const vocab = Vocab.fromSymbols(doc.syms, DEFAULT_MODEL_CONFIG.maxVocab);
  const model = DEFAULT_MODEL_CONFIG;
  const tr = new Trainer({
    model,
    training: DEFAULT_TRAINING_CONFIG,
    arena,
    ids: vocab.ids(doc.syms),
    vocabSize: vocab.size,
  });
  const gaps: number[] = [];
  for (let s = 0; s < steps + 2; s++) {
    const gen = tr.trainStep();
    let t = performance.now();
    for (let done = false; !done;) {
      done = gen.next().done === true;
      const t1 = performance.now();
      if (s >= 2) gaps.push(t1 - t);
      t = t1;
    }
  }
  tr.dispose();
  return gaps;
}

const fig = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms, p95 ${pct(xs, 95).toFixed(2)} ms`;

function print(label: string, s: Session): void {
  console.log(
    `  ${label}: while training ${fig(s.busy)}; answer alone (training stopped) ${fig(s.idle)}; ` +
      `steps/s ${s.quietStepsPerSec.toFixed(2)} with no query pending, ${s.queriedStepsPerSec.toFixed(2)} while queried; ` +
      `load average ${s.load.toFixed(2)}; ${s.threads}`,
  );
}

export async function cursorWhileTraining(quick: boolean, against?: string): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  const real = buildRealText(root, quick ? 300_000 : 1_000_000);
  const n = quick ? 60 : 200;
  const quietSec = quick ? 3 : 8; // long enough for ~100 steps at one thread's speed
  const ours = path.join(root, 'dist');
  const rounds = against ? (quick ? 1 : 2) : 1;
  console.log(
    `cursor-to-answer while training (${real.text.length} chars, H=${DEFAULT_MODEL_CONFIG.hiddenSize}, ${n} queries a session, ` +
      `${os.cpus().length} cores${against ? `, alternating with ${against}` : ''}):`,
  );
  const mine: Session[] = [];
  const theirs: Session[] = [];
  for (let r = 0; r < rounds; r++) {
    if (against) {
      theirs.push(await session(against, real, n, quietSec));
      print(`against, round ${r + 1}`, theirs[theirs.length - 1]);
    }
    mine.push(await session(ours, real, n, quietSec));
    print(`this build${against ? `, round ${r + 1}` : ''}`, mine[mine.length - 1]);
  }
  const gaps = await stretches(real, quick ? 4 : 12);
  console.log(
    `this build's training step between two yields (one thread, in-process): p50 ${pct(gaps, 50).toFixed(2)} ms, ` +
      `p95 ${pct(gaps, 95).toFixed(2)} ms, max ${Math.max(...gaps).toFixed(2)} ms over ${gaps.length} stretches; load average ${os.loadavg()[0].toFixed(2)}`,
  );
  const all = (ss: Session[], k: 'busy' | 'idle') => ss.flatMap((s) => s[k]);
  const sum = (ss: Session[], k: 'quietStepsPerSec' | 'queriedStepsPerSec') => ss.reduce((a, s) => a + s[k], 0);
  const p95 = pct(all(mine, 'busy'), 95);
  console.log(
    `this build: while training ${fig(all(mine, 'busy'))} over ${mine.length * n} queries ` +
      `(target p95 ≤ 8 ms: ${p95 <= 8 ? 'met' : 'MISSED'}); answer alone ${fig(all(mine, 'idle'))}`,
  );
  if (against)
    console.log(
      `against:    while training ${fig(all(theirs, 'busy'))}; answer alone ${fig(all(theirs, 'idle'))}\n` +
        `steps/s with no query pending, this build / against: ${(sum(mine, 'quietStepsPerSec') / sum(theirs, 'quietStepsPerSec')).toFixed(3)}; ` +
        `while queried: ${(sum(mine, 'queriedStepsPerSec') / sum(theirs, 'queriedStepsPerSec')).toFixed(3)}`,
    );
}
