// `npm run bench -- --vs-torch [--quick]`: LSTM Lens's trainer (the extension's defaults: every core up to
// the cap) and PyTorch (scripts/vs-torch.py, Debian's python3-torch on every core) on the same workload — char
// LSTM, embedding 32, seq 64, batch 32, Adam 2e-3, clip 5 — and the same token ids of the same real text,
// in one run, one after the other for each hidden size; prints chars/s, the ratio, and held-out bpc after
// the same time budget, with the load average beside each figure. Figures, not assertions.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../model/backend';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG, type ModelConfig, type TrainingConfig } from '../model/config';
import { TextDoc } from '../model/textDoc';
import { runTraining } from '../model/trainingRun';
import { trainerFor } from './nodeTrainer';
import { buildRealText } from './realText';

const PYTHON = process.env.LSTM_LENS_PYTHON ?? '/usr/bin/python3'; // Debian's, where python3-torch installs
const root = path.resolve(__dirname, '../..');

interface Figures {
  steps: number;
  medianCharsPerSec: number;
  overallCharsPerSec: number;
  heldOutBpc: number;
  threads: string;
  load: number;
}

const load = () => os.loadavg()[0];

export async function vsTorch(quick: boolean): Promise<void> {
  const seconds = quick ? 10 : 60;
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.error(`no PyTorch for ${PYTHON}: run scripts/install-torch.sh (as root) first`);
    process.exitCode = 2;
    return;
  }
  const real = buildRealText(root, quick ? 300_000 : 1_000_000);
  const doc = new TextDoc(real.text, 1);
  const backend = await initBackend('wasm', {});
  const training: TrainingConfig = {
    ...DEFAULT_TRAINING_CONFIG,
    seqLength: 64,
    batchSize: 32,
    learningRate: 2e-3,
    clipNorm: 5,
  };
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  console.error(
    `vs-torch: ${real.summary}; ${cores} cores; torch ${probe.stdout.trim()}; ${seconds} s each; load ${load().toFixed(2)}`,
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lens-vs-torch-'));
  const rows: string[][] = [];
  try {
    for (const H of [128, 256]) {
      const model: ModelConfig = { ...DEFAULT_MODEL_CONFIG, hiddenSize: H, embeddingSize: 32, layers: 1 };
      const l0 = load();
      // As the extension starts a trainer (cli/nodeTrainer.ts): every core up to the cap, governed.
      const { tr, vocab, ids } = await trainerFor(doc, model, training, backend.arena);
      const idsFile = path.join(tmp, 'ids.bin');
      fs.writeFileSync(idsFile, new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength));
      const res = await runTraining(
        tr,
        { timeBudgetSec: seconds, maxEpochs: 0, evalEveryMs: 1e9, finalEvalTokens: 1e9 },
        { onProgress: () => {}, onRecovered: (m) => console.error(m), onSnapshot: () => {}, shouldStop: () => false },
      );
      const ours: Figures = {
        steps: tr.step,
        medianCharsPerSec: res.medianCharsPerSec,
        overallCharsPerSec: (tr.step * tr.charsPerStep) / (res.latest?.elapsedSec ?? seconds),
        heldOutBpc: res.latest?.heldOutBpc ?? NaN,
        threads: tr.governor.note.split(':')[0],
        load: l0,
      };
      const evalStreams = tr.evalStreams;
      tr.dispose();
      console.error(`  H=${H} LSTM Lens: ${JSON.stringify(ours)}`);

      const l1 = load();
      const py = spawnSync(
        PYTHON,
        [
          path.join(root, 'scripts/vs-torch.py'),
          idsFile,
          String(vocab.size),
          String(H),
          String(seconds),
          String(training.batchSize),
          String(training.seqLength),
          String(training.learningRate),
          String(training.clipNorm),
          String(training.heldOutFraction),
          String(evalStreams),
          String(training.seed),
          String(cores),
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      if (py.status !== 0) throw new Error(`vs-torch.py exited ${py.status}`);
      const t = JSON.parse(py.stdout.trim().split('\n').pop()!) as Omit<Figures, 'threads' | 'load'> & {
        threads: number;
      };
      const torch: Figures = {
        ...t,
        threads: `${t.threads} thread${t.threads > 1 ? 's' : ''} (faster of 1, ${cores})`,
        load: l1,
      };
      console.error(`  H=${H} PyTorch:   ${JSON.stringify(torch)}`);
      const r = ours.medianCharsPerSec / torch.medianCharsPerSec;
      const ro = ours.overallCharsPerSec / torch.overallCharsPerSec;
      const target = H === 128 ? 1.2 : 1.0;
      rows.push(
        [
          `H=${H} chars/s (median step)`,
          `${Math.round(ours.medianCharsPerSec)}`,
          `${Math.round(torch.medianCharsPerSec)}`,
          `${r.toFixed(2)}×`,
          `≥ ${target.toFixed(1)}×: ${r >= target ? 'met' : 'MISSED'}`,
        ],
        [
          `H=${H} chars/s (steps × chars ÷ wall)`,
          `${Math.round(ours.overallCharsPerSec)}`,
          `${Math.round(torch.overallCharsPerSec)}`,
          `${ro.toFixed(2)}×`,
          '',
        ],
        [
          `H=${H} held-out bpc after ${seconds} s`,
          ours.heldOutBpc.toFixed(3),
          torch.heldOutBpc.toFixed(3),
          `${(ours.heldOutBpc - torch.heldOutBpc >= 0 ? '+' : '') + (ours.heldOutBpc - torch.heldOutBpc).toFixed(3)}`,
          `≤ PyTorch: ${ours.heldOutBpc <= torch.heldOutBpc ? 'met' : 'MISSED'}`,
        ],
        [`H=${H} steps in ${seconds} s`, `${ours.steps}`, `${torch.steps}`, '', ''],
        [`H=${H} load average at start`, ours.load.toFixed(2), torch.load.toFixed(2), '', ''],
        [`H=${H} threads`, ours.threads, torch.threads, '', ''],
      );
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const head = ['measure', 'LSTM Lens', 'PyTorch', 'ratio / diff', 'target'];
  const w = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (r: string[]) => `| ${r.map((c, k) => c.padEnd(w[k])).join(' | ')} |`;
  console.log(
    `vs-torch on ${real.summary}; ${cores} cores; uptime: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`,
  );
  console.log(line(head));
  console.log(`|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
