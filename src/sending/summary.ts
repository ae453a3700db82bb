/**
 * Plain-data summaries of send results, returned by commands and by the API, and the text of
 * result toasts. Pure, so any layer may use it.
 */

import type { SendErrorCode, SendOutcome, SendResult, SendStage } from '../sender/types';

/** Result of one device as plain JSON data, safe to return to keybindings and other extensions. */
export interface SendResultSummary {
  device: string;
  outcome: SendOutcome;
  /** `ip:port` that was used or last tried. */
  address?: string;
  durationMs: number;
  /** Bytes written, framing included. */
  bytes: number;
  /** Whether the text was cut to the device's `maxBytes`. */
  truncated: boolean;
  error?: { code: SendErrorCode; stage: SendStage; message: string };
}

export function summarizeResult(result: SendResult): SendResultSummary {
  const summary: SendResultSummary = {
    device: result.device,
    outcome: result.outcome,
    durationMs: result.durationMs,
    bytes: result.bytes,
    truncated: result.truncated,
  };
  if (result.address !== undefined) {
    summary.address = result.address;
  }
  if (result.error) {
    summary.error = {
      code: result.error.code,
      stage: result.error.stage,
      message: result.error.message,
    };
  }
  return summary;
}

/** A few words for each failure code, for toasts that list several devices. */
const SHORT_REASONS: Record<SendErrorCode, string> = {
  'invalid-device': 'invalid settings',
  'message-rejected': 'message rejected',
  'not-found': 'host not found',
  refused: 'connection refused',
  unreachable: 'host unreachable',
  'timed-out': 'timed out',
  reset: 'connection reset',
  'peer-closed': 'closed by the device',
  'tls-failed': 'TLS failed',
  'tls-untrusted': 'certificate not trusted',
  'fingerprint-mismatch': 'certificate fingerprint mismatch',
  'ack-missing': 'no acknowledgement',
  'ack-mismatch': 'wrong acknowledgement',
  cancelled: 'cancelled',
  unknown: 'unexpected error',
};

export function shortReason(result: SendResult): string {
  return result.error ? SHORT_REASONS[result.error.code] : '';
}

/** Toast text and severity for the results of one send. */
export interface ResultText {
  severity: 'info' | 'warning' | 'error';
  text: string;
}

/**
 * Describes the results of one send in one sentence:
 * - one device: `Delivered to "Pi".`, `Sent to "Pi".`, or the failure's own message, which names
 *   the device and the next step;
 * - several: `Sent to 2 of 3 devices: "Pi" delivered, "Phone" sent, "ESP32" failed (timed out).`
 * `Sent` means the device's TCP stack took the bytes; `delivered` means the device acknowledged.
 */
export function describeResults(results: readonly SendResult[]): ResultText {
  const failed = results.filter((result) => result.outcome === 'failed');
  const severity =
    failed.length === 0 ? 'info' : failed.length === results.length ? 'error' : 'warning';
  if (results.length === 1) {
    const [result] = results;
    return { severity, text: describeSingle(result) };
  }
  const items = results.map((result) => {
    const name = `"${result.device}"`;
    if (result.outcome === 'failed') {
      return `${name} failed (${shortReason(result)})`;
    }
    return `${name} ${result.outcome}${result.truncated ? ' (shortened)' : ''}`;
  });
  const succeeded = results.length - failed.length;
  const head =
    failed.length === 0
      ? `Sent to all ${results.length} devices`
      : `Sent to ${succeeded} of ${results.length} devices`;
  const tail = failed.length > 0 ? ' See the log for details.' : '';
  return { severity, text: `${head}: ${items.join(', ')}.${tail}` };
}

function describeSingle(result: SendResult): string {
  if (result.outcome === 'failed') {
    return (
      result.error?.message ?? `Sending to "${result.device}" failed. See the log for details.`
    );
  }
  const verb = result.outcome === 'delivered' ? 'Delivered to' : 'Sent to';
  const shortened = result.truncated ? ', shortened to fit its size limit' : '';
  return `${verb} "${result.device}"${shortened}.`;
}
