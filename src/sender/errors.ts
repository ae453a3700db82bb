import { isIPv6 } from 'node:net';
import type { DeviceTarget, SendErrorCode, SendFailure, SendStage } from './types';

const NOT_FOUND_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL']);
const UNREACHABLE_CODES = new Set([
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** OpenSSL verification results and Node's host name check: the peer is not trusted. */
const UNTRUSTED_CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Returns the device name, or `host:port` when the name is empty. */
export function deviceLabel(device: Pick<DeviceTarget, 'name' | 'host' | 'port'>): string {
  return device.name || `${device.host}:${device.port}`;
}

/** Formats `ip:port`, with brackets around an IPv6 address. */
export function formatAddress(ip: string, port: number, family?: number): string {
  const isV6 = family === undefined ? isIPv6(ip) : family === 6;
  return isV6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * Returns the `code` of a Node error. For an AggregateError (which Node raises with an empty
 * message when every address of a connection failed) it returns the first inner code.
 */
export function errorCodeOf(error: unknown): string | undefined {
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const code = errorCodeOf(inner);
      if (code) {
        return code;
      }
    }
  }
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Returns a short description of an error, never empty, even for an AggregateError. */
export function describeCause(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(describeCause).join(', ');
  }
  const code = errorCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code && message && !message.includes(code)) {
    return `${code}: ${message}`;
  }
  return message || code || 'unknown error';
}

/** Maps a Node socket, DNS or TLS error to the code that a send reports. */
export function classifyError(error: unknown, stage: SendStage): SendErrorCode {
  const code = errorCodeOf(error) ?? '';
  if (code === 'ECONNREFUSED') {
    return 'refused';
  }
  if (NOT_FOUND_CODES.has(code)) {
    return 'not-found';
  }
  if (UNREACHABLE_CODES.has(code)) {
    return 'unreachable';
  }
  if (code === 'ETIMEDOUT') {
    return 'timed-out';
  }
  if (UNTRUSTED_CERT_CODES.has(code)) {
    return 'tls-untrusted';
  }
  if (stage === 'tls') {
    // A reset, an early end of stream or bytes that are not TLS records all mean that the
    // handshake failed, most often because the receiver speaks plain TCP.
    return 'tls-failed';
  }
  if (RESET_CODES.has(code)) {
    return 'reset';
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return 'tls-failed';
  }
  return 'unknown';
}

/** Facts about a failure from which `buildFailure` writes the message. */
export interface FailureFacts {
  device: DeviceTarget;
  code: SendErrorCode;
  stage: SendStage;
  /** `ip:port` that was used or last tried. */
  address?: string;
  cause?: unknown;
  /** Peer fingerprint for `fingerprint-mismatch`, reply text for `ack-mismatch`. */
  detail?: string;
  attempts?: { address: string; code: string }[];
}

const STAGE_ACTIVITY: Record<SendStage, string> = {
  validate: 'while checking the settings',
  lookup: 'while looking up the host name',
  connect: 'while connecting',
  tls: 'during the TLS handshake',
  write: 'while sending the notification',
  ack: 'while waiting for the acknowledgement',
  close: 'while waiting for the receiver to close the connection',
};

/** Turns failure facts into a plain-data `SendFailure` whose message names the next step. */
export function buildFailure(facts: FailureFacts): SendFailure {
  const failure: SendFailure = {
    code: facts.code,
    stage: facts.stage,
    device: deviceLabel(facts.device),
    message: failureMessage(facts),
  };
  if (facts.address) {
    failure.address = facts.address;
  }
  if (facts.attempts && facts.attempts.length > 0) {
    failure.attempts = facts.attempts;
  }
  return failure;
}

function failureMessage(facts: FailureFacts): string {
  if (facts.code === 'cancelled') {
    return `Sending to device "${deviceLabel(facts.device)}" was cancelled ${STAGE_ACTIVITY[facts.stage]}.`;
  }
  return `${describeFailure(facts)}. ${hintFor(facts)}`;
}

/** Describes what failed, without the next step and without a final period. */
function describeFailure(facts: FailureFacts): string {
  const { device, stage } = facts;
  const name = `"${deviceLabel(device)}"`;
  const endpoint = `${device.host}:${device.port}`;
  const at = `Device ${name} at ${facts.address ?? endpoint}`;
  const errno = errorCodeOf(facts.cause);
  const errnoNote = errno ? ` (${errno})` : '';
  const causeNote = facts.cause === undefined ? '' : ` (${describeCause(facts.cause)})`;
  const activity = STAGE_ACTIVITY[stage];

  if (facts.attempts && facts.attempts.length > 1 && stage === 'connect') {
    const tried = facts.attempts.map((attempt) => `${attempt.address} ${attempt.code}`);
    return `Device ${name} could not connect to any address of ${endpoint} (${tried.join(', ')})`;
  }
  switch (facts.code) {
    case 'refused':
      return `Device ${name} refused the connection at ${facts.address ?? endpoint}`;
    case 'not-found':
      return `Device ${name}: the host name "${device.host}" was not found${errnoNote}`;
    case 'unreachable':
      return `${at} is unreachable${errnoNote}`;
    case 'timed-out':
      return `${at} timed out after ${device.timeoutMs} ms ${activity}`;
    case 'reset':
      return `${at} reset the connection ${activity}${causeNote}`;
    case 'peer-closed':
      return `${at} closed the connection ${activity}`;
    case 'tls-failed':
      return `The TLS handshake with device ${name} at ${facts.address ?? endpoint} failed${causeNote}`;
    case 'tls-untrusted':
      return `${at} presented a certificate that is not trusted${causeNote}`;
    case 'fingerprint-mismatch':
      return (
        `${at} presented a certificate with SHA-256 fingerprint ${facts.detail ?? 'unknown'}, ` +
        'which is not the pinned one'
      );
    case 'ack-missing':
      return `${at} closed the connection without an acknowledgement`;
    case 'ack-mismatch':
      return `${at} replied "${facts.detail ?? ''}" instead of "${expectedReply(device)}"`;
    default:
      return `Sending to device ${name} at ${facts.address ?? endpoint} failed ${activity}${causeNote}`;
  }
}

function expectedReply(device: DeviceTarget): string {
  return device.ack?.expect.trim() ?? '';
}

function hintFor(facts: FailureFacts): string {
  switch (facts.code) {
    case 'refused':
      return 'Is the receiver running on that port?';
    case 'not-found':
      return 'Check the host name in the device settings and the network connection.';
    case 'unreachable':
      return 'Check that the device is switched on and on a network this computer can reach.';
    case 'timed-out':
      return timeoutHint(facts);
    case 'reset':
      return 'Check the receiver log: it may have rejected the notification or stopped.';
    case 'peer-closed':
      return (
        'Check that the receiver reads the whole notification ' +
        'and that its framing matches the device settings.'
      );
    case 'tls-failed':
      return (
        'Is the receiver set up for TLS? ' +
        'If it expects plain TCP, remove the TLS settings of this device.'
      );
    case 'tls-untrusted':
      if (errorCodeOf(facts.cause) === 'ERR_TLS_CERT_ALTNAME_INVALID') {
        return (
          `The certificate does not name "${facts.device.host}". Issue it for that name or ` +
          'IP address, or pin its SHA-256 fingerprint in the TLS settings of this device.'
        );
      }
      return "Add the device's CA certificate or pin its SHA-256 fingerprint in its TLS settings.";
    case 'fingerprint-mismatch':
      return (
        'If the device got a new certificate on purpose, pin the new fingerprint. ' +
        'Otherwise another host may be answering at that address.'
      );
    case 'ack-missing':
    case 'ack-mismatch':
      return (
        `Check the receiver log and that it replies "${expectedReply(facts.device)}" ` +
        'after each notification.'
      );
    default:
      return 'Check the receiver log and the device settings.';
  }
}

function timeoutHint(facts: FailureFacts): string {
  switch (facts.stage) {
    case 'lookup':
      return 'Check the host name and the DNS settings, or raise the timeout.';
    case 'connect':
      return 'Check that the device is switched on and reachable, or raise the timeout.';
    case 'tls':
      return 'If the receiver expects plain TCP, remove the TLS settings of this device.';
    case 'write':
      return 'The receiver is not reading. Check that it runs and is not stuck, or raise the timeout.';
    case 'ack':
      return `Check that the receiver replies "${expectedReply(facts.device)}" after each notification.`;
    case 'close':
      return (
        "The receiver's TCP stack accepted every byte, but the receiver kept the connection open. " +
        'It should close the connection at the end of the stream.'
      );
    default:
      return 'Raise the timeout or check the device.';
  }
}
