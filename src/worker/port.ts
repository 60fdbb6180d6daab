// The worker's one channel to the host (over the platform's port, checked against TRAINER_CONTRACT), and the
// events every feature raises through it; serve.ts serves the handler table on it.
import { errText } from './answering';
import { platform } from './platform';
import { Channel } from '../protocol/channel';
import type { Envelope } from '../protocol/envelope';
import type { LogLevel } from '../protocol/training';
import {
  TRAINER_CONTRACT,
  TRAINER_NOTIFICATIONS,
  type TrainerCalls,
  type TrainerEvents,
  type TrainerNotifications,
} from '../protocol/trainerApi';

/** A notification whose handler threw or rejected (the channel names it "<method> failed: …"). */
const failedNotification = (why: string) => {
  const method = /^(\w+) failed: /.exec(why)?.[1];
  return method !== undefined && Object.hasOwn(TRAINER_NOTIFICATIONS, method);
};

/**
 * Posts one envelope. An answer that cannot be cloned (a bug: say a buffer listed twice) becomes the call's
 * error rather than an exception in the channel's promise, which would end the worker.
 */
function post(message: Envelope, transfer: ArrayBuffer[]): void {
  try {
    platform().host.post(message, transfer);
  } catch (e) {
    if (!('id' in message && 'ok' in message)) throw e;
    platform().host.post({ id: message.id, err: `Could not send the answer: ${errText(e)}` }, []);
  }
}

export const channel = new Channel<TrainerCalls, TrainerNotifications, TrainerEvents>({
  contract: TRAINER_CONTRACT,
  post,
  onProblem: (why, raw) =>
    failedNotification(why) ? log('error', why) : log('warn', `ignored a malformed message (${why}): ${snippet(raw)}`),
});

function snippet(raw: unknown): string {
  try {
    return String(JSON.stringify(raw)).slice(0, 200);
  } catch {
    return String(raw).slice(0, 200);
  }
}

export function log(level: LogLevel, message: string): void {
  channel.emit('log', { level, message });
}
