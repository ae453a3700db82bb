import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import { sendNotification, type SendOptions } from './send';
import type { DeviceTarget, Notification, SendResult } from './types';

export const DEFAULT_CONCURRENCY = 8;

/**
 * Sends started per event-loop turn when many slots open at once. Spreading the connects
 * spreads their completions too, which keeps each turn short (see docs/benchmarks.md).
 */
const STARTS_PER_TURN = 16;

export interface SendToManyOptions extends SendOptions {
  /** Maximum number of sends in flight at once; 8 by default. */
  concurrency?: number;
  /** Called once per device as soon as its send settles, in completion order. */
  onResult?: (result: SendResult) => void;
}

/**
 * Sends one notification to every device, at most `concurrency` at a time. Each device has its
 * own deadline, so a slow or failing device delays only its own slot. Returns one result per
 * device in input order. Rejects only when `onResult` throws, and then only after every send
 * has settled.
 */
export async function sendToMany(
  devices: DeviceTarget[],
  notification: Notification,
  options: SendToManyOptions = {},
): Promise<SendResult[]> {
  const { concurrency = DEFAULT_CONCURRENCY, onResult, ...sendOptions } = options;
  const slots = Math.max(1, Math.min(Math.floor(concurrency) || 1, devices.length));
  const results = new Array<SendResult>(devices.length);
  let callbackError: { error: unknown } | undefined;
  let nextIndex = 0;

  const runSlot = async (): Promise<void> => {
    while (nextIndex < devices.length) {
      const index = nextIndex;
      nextIndex += 1;
      const result = await sendNotification(devices[index], notification, sendOptions);
      results[index] = result;
      try {
        onResult?.(result);
      } catch (error) {
        callbackError ??= { error };
      }
    }
  };

  const running: Promise<void>[] = [];
  for (let slot = 0; slot < slots; slot += 1) {
    if (slot > 0 && slot % STARTS_PER_TURN === 0) {
      await nextLoopTurn();
    }
    running.push(runSlot());
  }
  await Promise.all(running);
  if (callbackError) {
    throw callbackError.error;
  }
  return results;
}
