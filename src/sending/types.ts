import type { DeviceEntry } from '../devices/merge';
import type { Notification, SendResult } from '../sender/types';

/** Entry point that started a send. */
export type SendOrigin = 'command' | 'selection' | 'task' | 'api' | 'outbox';

/** Result of one device in a send. */
export interface DeviceSendResult {
  entry: DeviceEntry;
  result: SendResult;
}

export interface SendRequestOptions {
  origin: SendOrigin;
  /** Cancels the sends that are still under way; they fail with code `cancelled`. */
  signal?: AbortSignal;
  /** Called once per device as soon as its result is known, in completion order. */
  onResult?: (result: DeviceSendResult) => void;
}

/** Fired once per device after each send, whatever its outcome. */
export interface DidSendEvent {
  entry: DeviceEntry;
  notification: Notification;
  result: SendResult;
  origin: SendOrigin;
}
