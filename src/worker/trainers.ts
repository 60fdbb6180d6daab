// How the worker starts a trainer: on every core the platform offers (model/parallel.ts), with helper threads
// from the platform (none on the web). The document's training and each cell of a comparison use it.
import { startTrainer, type Trainer, type TrainerInit } from '../model/trainer';
import { platform } from './platform';
import { log } from './port';

/** `background`: train on one thread while the helpers start (they join when up), instead of waiting. */
export function startOnEveryCore(init: TrainerInit, background = false): Promise<Trainer> {
  const p = platform();
  return startTrainer(init, {
    cores: p.threads.available,
    spawn: p.helpers?.spawn,
    wasmDir: p.helpers?.wasmDir,
    log: (msg) => log('warn', msg),
    background,
  });
}
