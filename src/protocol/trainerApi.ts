// What the trainer worker can do, composed from the per-feature tables: both ends validate against it.
// Host and worker move onto it next (they still speak shared/protocol.ts); then adding a worker request is
// its params / result schemas in the feature's table (src/protocol/<feature>.ts), its handler beside the
// feature's others in src/worker/<feature>.ts, and the call in the feature that asks; TrainerApi and the
// handler table's type follow from the schemas.
import type * as v from 'valibot';
import type { CallOptions, Contract, ParamsOf, ResultOf } from './channel';
import { documentNotifications } from './document';
import { insightCalls } from './insight';
import { labCalls, labEvents } from './lab';
import { persistenceCalls } from './persistence';
import { predictCalls } from './predict';
import { trainingEvents, trainingNotifications } from './training';

/** Methods the worker answers. */
export const TRAINER_CALLS = { ...predictCalls, ...persistenceCalls, ...insightCalls, ...labCalls };
/** Methods the worker obeys without answering; per document they arrive in the order they were sent. */
export const TRAINER_NOTIFICATIONS = { ...documentNotifications, ...trainingNotifications };
/** What the worker reports on its own. */
export const TRAINER_EVENTS = { ...trainingEvents, ...labEvents };

export type TrainerCalls = typeof TRAINER_CALLS;
export type TrainerNotifications = typeof TRAINER_NOTIFICATIONS;
export type TrainerEvents = typeof TRAINER_EVENTS;

export const TRAINER_CONTRACT: Contract<TrainerCalls, TrainerNotifications, TrainerEvents> = {
  calls: TRAINER_CALLS,
  notifications: TRAINER_NOTIFICATIONS,
  events: TRAINER_EVENTS,
};

/** The worker as the host sees it: one promise-returning method per call, one void method per notification. */
export type TrainerApi = {
  [K in keyof TrainerCalls]: (
    params: ParamsOf<TrainerCalls[K]>,
    opts?: CallOptions,
  ) => Promise<ResultOf<TrainerCalls[K]>>;
} & {
  [K in keyof TrainerNotifications]: (params: v.InferOutput<TrainerNotifications[K]>) => void;
};
