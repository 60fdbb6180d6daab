// Training a document's model: a run starts on `train` (stopping the one before), reports status and
// progress as events, yields every ~10 ms so other messages are answered, and ends on `stopTraining`, at
// its budget, or when held-out bits per character stop improving. The document's model (predictions,
// labels, overlays, the lab, saving) is the best held-out checkpoint so far, not the last weights, unless the
// held-out tail is too short to choose one by (then it follows the latest weights).
import { backend, platform } from './platform';
import { resolveModelConfig, resolveTrainingConfig, type ModelConfig } from '../model/config';
import type { Trainer } from '../model/trainer';
import { keptModelMessage, runOptionsFor } from '../model/bestModel';
import { heldOutTooShortFor, runTraining } from '../model/trainingRun';
import { Vocab } from '../model/vocab';
import type { Handlers } from '../protocol/channel';
import type { TrainParams, trainingNotifications } from '../protocol/training';
import { docs, newState, setModel, status, type DocState } from './documents';
import { stopComparison } from './lab';
import { errText } from './answering';
import { channel, log } from './port';
import { startOnEveryCore } from './trainers';

export async function stopRun(st: DocState): Promise<void> {
  if (!st.run) return;
  st.run.stop = true;
  await st.run.done;
}

async function train(m: TrainParams, st: DocState): Promise<void> {
  await stopRun(st);
  let model: ModelConfig;
  let training;
  try {
    model = resolveModelConfig(m.model);
    training = resolveTrainingConfig(m.training);
  } catch (e) {
    status(m.docId, st, 'failed', `Bad configuration: ${errText(e)}`);
    return;
  }
  st.heldOutFraction = training.heldOutFraction;
  const engine = await backend(training.backend, log);
  const text = st.doc.text;
  const prior = st.model;
  const resume = m.resume && prior !== null && sameShape(prior.weights.config, model);
  if (m.resume && !resume) log('info', 'resume requested but there is no compatible model; starting fresh');
  // A continued run must beat the model it continues, when that was scored on this very held-out split.
  const priorBest =
    resume && prior!.trainedOn === text && prior!.heldOutFraction === training.heldOutFraction
      ? prior!.checkpoint
      : null;
  const vocab = resume ? st.model!.vocab : Vocab.fromSymbols(st.doc.syms, model.maxVocab);
  // The run exists from here on: starting helper threads takes a moment, and a stop or a newer `train`
  // arriving meanwhile must find it (and wait for it) rather than start a second run beside it.
  const run = { stop: false, done: Promise.resolve() };
  let release = () => {};
  run.done = new Promise<void>((r) => (release = r));
  st.run = run;
  const end = () => {
    if (st.run === run) st.run = null;
    release();
  };
  let trainer: Trainer;
  try {
    // Every core by default, helpers from the platform (none on the web). They join as they come up, so the
    // first steps (and the 'training' status) do not wait for them.
    trainer = await startOnEveryCore(
      {
        model,
        training,
        arena: engine.arena,
        ids: vocab.ids(st.doc.syms),
        vocabSize: vocab.size,
        initial: resume ? st.model!.weights.data : undefined,
        firstStep: resume ? st.model!.steps : 0,
        faultAtStep: m.faultAtStepForTesting,
      },
      true,
    );
  } catch (e) {
    end();
    status(m.docId, st, 'failed', errText(e));
    return;
  }
  if (run.stop || docs.get(m.docId) !== st) {
    trainer.dispose();
    end();
    status(m.docId, st, 'stopped', 'stopped before the first step');
    return;
  }
  status(
    m.docId,
    st,
    'training',
    `${engine.name}: ${trainer.B} streams × ${trainer.T} steps${resume ? ', resumed' : ''}; ${trainer.governor.note}`,
  );
  let noteVersion = trainer.governor.version;
  /** Says in the panel when the thread count changes (a probe decided, or a helper died). */
  const threadsChanged = () => {
    if (trainer.governor.version === noteVersion) return;
    noteVersion = trainer.governor.version;
    status(m.docId, st, 'training', trainer.governor.note);
  };
  /** Whether a best checkpoint exists: then the model only ever changes to a better one. A held-out tail too
   * short to choose one by (bestModel.ts) never has one: the model follows the latest weights. */
  const runOptions = runOptionsFor(training, priorBest);
  let haveBest = priorBest !== null && heldOutTooShortFor(trainer, runOptions) === null;
  // A document disposed (or replaced) mid-run takes no model: its predictor would never be freed.
  const current = () => docs.get(m.docId) === st;
  const body = (async () => {
    try {
      const res = await runTraining(trainer, runOptions, {
        onProgress: (progress) => {
          channel.emit('trainingProgress', { docId: m.docId, progress });
          threadsChanged();
        },
        onRecovered: (message) => status(m.docId, st, 'training', message),
        // Without a held-out score to choose by (no split, or too short a one) the live weights are all there is.
        onSnapshot: (w) => (current() && !haveBest ? setModel(st, w, vocab, text, trainer.step) : undefined),
        onBest: (w, best) => {
          haveBest = true;
          if (current()) setModel(st, w, vocab, text, best.step, best);
        },
        shouldStop: () => run.stop || !current(),
        // A cursor query (any message) waiting: answered at the next sub-step, not after the slice.
        messageWaiting: platform().host.waiting,
      });
      // Steps count all the training behind the model, so a continued run goes on from here (its curve
      // never goes back) while starting from the best weights.
      if (current() && st.model && haveBest) st.model.steps = trainer.step;
      status(m.docId, st, res.status, keptModelMessage(res));
    } catch (e) {
      status(m.docId, st, 'failed', `Training failed: ${errText(e)}`);
    } finally {
      trainer.dispose();
      end();
    }
  })();
  await body;
}

function sameShape(a: ModelConfig, b: ModelConfig): boolean {
  return (
    a.hiddenSize === b.hiddenSize &&
    a.layers === b.layers &&
    a.embeddingSize === b.embeddingSize &&
    a.maxVocab === b.maxVocab &&
    (a.cell ?? 'lstm') === (b.cell ?? 'lstm')
  );
}

export const trainingHandlers: Handlers<Record<never, never>, typeof trainingNotifications> = {
  // Not awaited by the channel's order: a run goes on while later messages are handled (a failure is logged).
  train: (m) => {
    const st = docs.get(m.docId);
    if (!st) return status(m.docId, newState(), 'failed', 'No document: send setDocument first');
    return train(m, st);
  },
  stopTraining: (m) => {
    stopComparison(m.docId);
    const st = docs.get(m.docId);
    if (!st) return;
    if (st.run) st.run.stop = true;
    else channel.emit('trainingStatus', { docId: m.docId, status: st.status, message: null });
  },
};
