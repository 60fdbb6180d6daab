// How the command-line tools start a trainer: as the extension does (every core up to the cap in
// model/parallel.ts, helper threads from out/cli/gradWorker.js), unless --threads asks for a count.
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { nodeHelperSpawn } from '../model/gradShard';
import { startTrainer, type Trainer, type TrainerInit } from '../model/trainer';

/** Starts trainers on `threads` threads (default: the extension's plan); helper failures go to stderr. */
export function nodeTrainers(threads?: number): (init: TrainerInit) => Promise<Trainer> {
  const spawn = nodeHelperSpawn(path.join(__dirname, 'gradWorker.js'));
  return (init) => startTrainer(init, { threads, cores: availableParallelism(), spawn, log: (m) => console.error(m) });
}

/** The --threads option, if given (a whole number ≥ 1). */
export function threadsOption(opt: Map<string, string>): number | undefined {
  if (!opt.has('threads')) return undefined;
  const n = Number(opt.get('threads'));
  if (!Number.isInteger(n) || n < 1) throw new Error('--threads takes a whole number ≥ 1');
  return n;
}
