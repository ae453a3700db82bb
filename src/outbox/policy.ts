/**
 * Retry policy of the outbox: which failures it retries and how long it waits between attempts.
 */

import type { SendErrorCode, SendResult } from '../sender/types';

/**
 * Failures that may go away by themselves: the device is asleep, rebooting or off the network.
 *
 * - `not-found` counts as transient because `.local` (mDNS) names and home-router DNS stop
 *   resolving while the device is off, and `EAI_AGAIN` is a temporary lookup failure. A typo in
 *   the host name is retried too, until the item's time-to-live ends.
 * - `unknown` counts as transient so that an unexpected socket error does not lose a
 *   notification; the time-to-live bounds the retries.
 * - `reset`, `peer-closed` and `timed-out` can happen after the device read the notification
 *   (during the acknowledgement or the close), so a retry can deliver it twice. The outbox
 *   promises at-least-once delivery, not exactly-once.
 * - `ack-missing` (the device closed without replying) is transient too: a receiver at its
 *   connection limit closes new connections at once, and that notification must not be lost.
 *   A device wrongly set up with `ack` gets the notification again on every retry, bounded by
 *   the backoff and the time-to-live, and each failure message points to the `ack` setting.
 * - `timed-out` during the TLS handshake is the exception: see `TLS_TIMEOUT_REASON`.
 */
const TRANSIENT_CODES: ReadonlySet<SendErrorCode> = new Set<SendErrorCode>([
  'refused',
  'timed-out',
  'unreachable',
  'reset',
  'peer-closed',
  'not-found',
  'ack-missing',
  'unknown',
]);

/**
 * Reasons why a permanent failure is not retried, each the end of a sentence that starts with
 * "The notification was not queued because".
 */
const PERMANENT_REASONS: Readonly<Record<string, string>> = {
  'invalid-device': 'the device settings are invalid',
  'message-rejected': 'the message itself was rejected',
  'tls-failed': 'the TLS handshake failed, which a retry does not fix',
  'tls-untrusted': 'the device certificate is not trusted',
  'fingerprint-mismatch': 'the device certificate does not match the pinned fingerprint',
  'ack-mismatch': 'the device replied with the wrong acknowledgement',
  cancelled: 'the send was cancelled',
};

/**
 * Reason for not retrying a timeout during the TLS handshake. The device accepted the TCP
 * connection but sent no handshake reply, as a receiver that reads plain TCP until the
 * connection closes does. Each retry would also hand that receiver the TLS handshake bytes as
 * a notification.
 */
const TLS_TIMEOUT_REASON =
  'the device accepted the connection but did not reply to the TLS handshake, as a plain TCP ' +
  'receiver does';

export type FailureDisposition =
  { kind: 'success' } | { kind: 'transient' } | { kind: 'permanent'; reason: string };

/** Decides whether a send result counts as done, should be retried, or can never succeed. */
export function dispositionOf(result: SendResult): FailureDisposition {
  if (result.outcome !== 'failed') {
    return { kind: 'success' };
  }
  const code = result.error?.code ?? 'unknown';
  if (code === 'timed-out' && result.error?.stage === 'tls') {
    return { kind: 'permanent', reason: TLS_TIMEOUT_REASON };
  }
  if (TRANSIENT_CODES.has(code)) {
    return { kind: 'transient' };
  }
  return { kind: 'permanent', reason: PERMANENT_REASONS[code] ?? `the send failed with ${code}` };
}

export interface BackoffOptions {
  /** Delay after the first failed attempt. */
  initialDelayMs: number;
  /** Upper bound of the delay before jitter. */
  maxDelayMs: number;
  /** Relative spread: 0.2 turns a 10 s delay into a random one from 8 s to 12 s. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
  jitter: 0.2,
};

/**
 * Returns the wait before the next attempt after `attempts` failed ones (1 or more): the initial
 * delay doubled per further failure, capped, then spread by ±jitter so that several windows
 * and devices do not retry in step. `random` returns a number in [0, 1).
 */
export function retryDelayMs(
  attempts: number,
  random: () => number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  const base = Math.min(options.initialDelayMs * 2 ** exponent, options.maxDelayMs);
  const spread = options.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base * (1 + spread)));
}
