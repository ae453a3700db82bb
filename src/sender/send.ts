import { performance } from 'node:perf_hooks';
import { deliver } from './connection';
import { SendDeadline } from './deadline';
import { buildFailure, deviceLabel } from './errors';
import { encodeNotification } from './framing';
import { systemLookup, type LookupFunction } from './resolve';
import type { ConnectionCheck, DeviceTarget, Notification, SendFailure, SendResult } from './types';
import { validateNotification, validateTarget } from './validate';

export interface SendOptions {
  /** Cancels the send; the result then fails with code `cancelled`. */
  signal?: AbortSignal;
  /** Replaces `dns.lookup` for host names (literal IPs skip it); meant for tests. */
  lookup?: LookupFunction;
}

/**
 * Sends one notification to one device within the device's `timeoutMs`. Never rejects: every
 * problem, invalid settings included, comes back as a failed `SendResult`.
 */
export async function sendNotification(
  device: DeviceTarget,
  notification: Notification,
  options: SendOptions = {},
): Promise<SendResult> {
  const startedAt = performance.now();
  const name = safeLabel(device);
  try {
    const invalid = validateTarget(device) ?? validateNotification(device, notification);
    if (invalid) {
      return failedResult(name, startedAt, invalid);
    }

    // The deadline starts before encoding, so a huge message counts against its own timeout.
    const deadline = new SendDeadline(device.timeoutMs, options.signal, startedAt);
    try {
      const { bytes, truncated } = encodeNotification(device, notification);
      const report = await deliver(device, bytes, deadline, options.lookup ?? systemLookup);
      const result: SendResult = {
        device: name,
        outcome: report.outcome,
        durationMs: elapsedSince(startedAt),
        bytes: report.bytes,
        truncated,
      };
      if (report.address) {
        result.address = report.address;
      }
      if (report.error) {
        result.error = report.error;
      }
      return result;
    } finally {
      deadline.dispose();
    }
  } catch (error) {
    return failedResult(name, startedAt, unexpectedFailure(device, error));
  }
}

function failedResult(name: string, startedAt: number, error: SendFailure): SendResult {
  return {
    device: name,
    outcome: 'failed',
    durationMs: elapsedSince(startedAt),
    bytes: 0,
    truncated: false,
    error,
  };
}

/**
 * Connects to the device, completes TLS with the same verification as a send, and closes
 * without writing anything, all within the device's `timeoutMs`. Never rejects.
 */
export async function testConnection(
  device: DeviceTarget,
  options: SendOptions = {},
): Promise<ConnectionCheck> {
  const startedAt = performance.now();
  try {
    const invalid = validateTarget(device);
    if (invalid) {
      return { ok: false, durationMs: elapsedSince(startedAt), error: invalid };
    }

    const deadline = new SendDeadline(device.timeoutMs, options.signal, startedAt);
    try {
      const report = await deliver(device, undefined, deadline, options.lookup ?? systemLookup);
      const check: ConnectionCheck = {
        ok: report.outcome !== 'failed',
        durationMs: elapsedSince(startedAt),
      };
      if (report.address) {
        check.address = report.address;
      }
      if (report.error) {
        check.error = report.error;
      }
      return check;
    } finally {
      deadline.dispose();
    }
  } catch (error) {
    return {
      ok: false,
      durationMs: elapsedSince(startedAt),
      error: unexpectedFailure(device, error),
    };
  }
}

function elapsedSince(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}

function safeLabel(device: DeviceTarget): string {
  try {
    return deviceLabel(device);
  } catch {
    return 'unknown device';
  }
}

/** Wraps a bug-level exception (bad input types, for example) as a failure value. */
function unexpectedFailure(device: DeviceTarget, error: unknown): SendFailure {
  try {
    return buildFailure({ device, code: 'unknown', stage: 'validate', cause: error });
  } catch {
    return {
      code: 'unknown',
      stage: 'validate',
      device: safeLabel(device),
      message: `Sending failed: ${String(error)}. Check the device settings.`,
    };
  }
}
