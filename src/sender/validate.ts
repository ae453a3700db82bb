import { X509Certificate } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { deviceLabel } from './errors';
import { normaliseFingerprint } from './fingerprint';
import type { DeviceTarget, Framing, LineBreakRule, LineEnding, Notification } from './types';
import type { SendFailure } from './types';

export const MIN_MAX_BYTES = 16;
/** Largest byte count that the 4-byte length prefix can carry. */
export const MAX_MAX_BYTES = 0xffff_ffff;

const FRAMINGS: readonly Framing[] = ['raw', 'line', 'json', 'length-prefixed'];
const LINE_ENDINGS: readonly LineEnding[] = ['lf', 'crlf'];
const LINE_BREAK_RULES: readonly LineBreakRule[] = ['escape', 'space'];
const PRIORITIES = ['low', 'normal', 'high'];
const SHA256_HEX_LENGTH = 64;

/**
 * Checks the settings of one device and returns a failure with code `invalid-device` that lists
 * every problem, or `undefined` when the device can be used.
 */
export function validateTarget(device: DeviceTarget): SendFailure | undefined {
  const problems = listDeviceProblems(device);
  if (problems.length === 0) {
    return undefined;
  }
  return {
    code: 'invalid-device',
    stage: 'validate',
    device: deviceLabel(device),
    message: `Device "${deviceLabel(device)}" has invalid settings: ${problems.join(' ')}`,
  };
}

/** Checks the notification text and returns a `message-rejected` failure, or `undefined`. */
export function validateNotification(
  device: DeviceTarget,
  notification: Notification,
): SendFailure | undefined {
  const problems = listNotificationProblems(notification);
  if (problems.length === 0) {
    return undefined;
  }
  return {
    code: 'message-rejected',
    stage: 'validate',
    device: deviceLabel(device),
    message:
      `The notification for device "${deviceLabel(device)}" was not sent: ` + problems.join(' '),
  };
}

function listDeviceProblems(device: DeviceTarget): string[] {
  const problems: string[] = [];
  if (typeof device.host !== 'string' || device.host.trim() === '') {
    problems.push('The host is empty. Enter a host name or IP address.');
  } else if (/[\s/]/.test(device.host)) {
    problems.push(
      `The host "${device.host}" contains a space or "/". Enter only a host name or IP address.`,
    );
  } else if (device.host.includes(':') && !isIPv6(device.host.replace(/^\[(.*)\]$/, '$1'))) {
    problems.push(`The host "${device.host}" contains a port. Put the port in "port" instead.`);
  }
  if (!Number.isInteger(device.port) || device.port < 1 || device.port > 65535) {
    problems.push(
      `The port ${String(device.port)} is invalid. Use a whole number from 1 to 65535.`,
    );
  }
  if (
    typeof device.timeoutMs !== 'number' ||
    !(device.timeoutMs > 0) ||
    !Number.isFinite(device.timeoutMs)
  ) {
    problems.push(
      `The timeout ${String(device.timeoutMs)} ms is invalid. Use a number of milliseconds above 0.`,
    );
  }
  if (
    !Number.isInteger(device.maxBytes) ||
    device.maxBytes < MIN_MAX_BYTES ||
    device.maxBytes > MAX_MAX_BYTES
  ) {
    problems.push(
      `The byte limit ${String(device.maxBytes)} is invalid. ` +
        `Use a whole number from ${MIN_MAX_BYTES} to ${MAX_MAX_BYTES}.`,
    );
  }
  if (!FRAMINGS.includes(device.framing)) {
    problems.push(
      `The framing "${String(device.framing)}" is unknown. Use one of ${FRAMINGS.join(', ')}.`,
    );
  }
  if (!LINE_ENDINGS.includes(device.lineEnding)) {
    problems.push(`The line ending "${String(device.lineEnding)}" is unknown. Use lf or crlf.`);
  }
  if (!LINE_BREAK_RULES.includes(device.lineBreaks)) {
    problems.push(
      `The line break rule "${String(device.lineBreaks)}" is unknown. Use escape or space.`,
    );
  }
  if (device.token !== undefined && device.framing !== 'json') {
    problems.push(
      `A token is set but the framing is "${String(device.framing)}", which cannot carry it. ` +
        'Switch the device to the json framing or remove the token.',
    );
  }
  if (
    device.ack !== undefined &&
    (typeof device.ack.expect !== 'string' || device.ack.expect.trim() === '')
  ) {
    problems.push(
      'The expected acknowledgement is empty. Enter the reply line the receiver sends.',
    );
  }
  problems.push(...listTlsProblems(device));
  return problems;
}

function listTlsProblems(device: DeviceTarget): string[] {
  const tls = device.tls;
  if (tls === undefined) {
    return [];
  }
  const problems: string[] = [];
  if (tls.fingerprint !== undefined) {
    const hex = typeof tls.fingerprint === 'string' ? normaliseFingerprint(tls.fingerprint) : '';
    if (hex.length !== SHA256_HEX_LENGTH || !/^[0-9a-f]+$/.test(hex)) {
      problems.push(
        'The pinned fingerprint is not a SHA-256 fingerprint. ' +
          'Enter 64 hex digits, with or without colons.',
      );
    }
  }
  if (tls.ca !== undefined) {
    try {
      new X509Certificate(tls.ca);
    } catch {
      problems.push(
        'The TLS CA is not a PEM certificate. ' +
          'Paste the text from -----BEGIN CERTIFICATE----- on.',
      );
    }
  }
  return problems;
}

function listNotificationProblems(notification: Notification): string[] {
  const problems: string[] = [];
  if (typeof notification.message !== 'string') {
    problems.push('The message is missing.');
  } else if (notification.message.trim() === '') {
    problems.push('The message is empty. Enter some text.');
  }
  if (notification.title !== undefined && typeof notification.title !== 'string') {
    problems.push('The title is not text.');
  }
  if (notification.priority !== undefined && !PRIORITIES.includes(notification.priority)) {
    problems.push(
      `The priority "${String(notification.priority)}" is unknown. Use low, normal or high.`,
    );
  }
  if (
    notification.timestamp !== undefined &&
    !(notification.timestamp instanceof Date && Number.isFinite(notification.timestamp.getTime()))
  ) {
    problems.push('The timestamp is not a valid date.');
  }
  return problems;
}
