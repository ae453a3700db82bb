/**
 * Types shared by the sender, the receiver, the outbox and the extension.
 * This module imports neither `vscode` nor `node:net`, so any layer may use it.
 */

/** How a notification is laid out on the wire. */
export type Framing = 'raw' | 'line' | 'json' | 'length-prefixed';

/** Line terminator for the `line` and `json` framings. */
export type LineEnding = 'lf' | 'crlf';

/**
 * What the `line` framing does with line breaks inside a message, so that one
 * notification stays one line on the wire.
 * - `escape`: `\` becomes `\\`, CR becomes `\r` and LF becomes `\n` (two characters each).
 * - `space`: each CR, LF or CRLF becomes one space.
 */
export type LineBreakRule = 'escape' | 'space';

export type Priority = 'low' | 'normal' | 'high';

/** TLS options of one device. Absent means a plain TCP connection. */
export interface TlsOptions {
  /** PEM text of a CA that replaces the system CAs for this device. */
  ca?: string;
  /**
   * SHA-256 fingerprint of the device's certificate, as hex with or without colons.
   * When set, the certificate must match it and chain validation is not used.
   */
  fingerprint?: string;
}

/** Acknowledgement options of one device. Absent means the send ends at `sent`. */
export interface AckOptions {
  /** Reply line the device writes after a notification, compared after trimming. */
  expect: string;
}

/** Everything the sender needs to reach one device. */
export interface DeviceTarget {
  name: string;
  host: string;
  port: number;
  framing: Framing;
  lineEnding: LineEnding;
  lineBreaks: LineBreakRule;
  /** Maximum payload size in bytes, before framing overhead. */
  maxBytes: number;
  /** One deadline for lookup, connect, TLS, write, acknowledgement and close. */
  timeoutMs: number;
  tls?: TlsOptions;
  ack?: AckOptions;
  /** Shared secret; only the `json` framing carries it (field `token`). */
  token?: string;
}

/** Task fields that the `json` framing adds for task notifications. */
export interface TaskInfo {
  name: string;
  status: 'succeeded' | 'failed' | 'terminated';
  exitCode?: number;
  durationMs: number;
  folder?: string;
}

/** One notification, independent of any device. */
export interface Notification {
  message: string;
  title?: string;
  priority?: Priority;
  /** Who sent it; `vscode` by default. */
  source?: string;
  timestamp?: Date;
  task?: TaskInfo;
}

/**
 * Result of one send.
 * - `delivered`: the device acknowledged the notification.
 * - `sent`: the device's TCP stack accepted every byte and the connection closed cleanly;
 *   nothing says that an application read it.
 * - `failed`: see `error`.
 */
export type SendOutcome = 'delivered' | 'sent' | 'failed';

/** Stage of a send in which an error happened. */
export type SendStage = 'validate' | 'lookup' | 'connect' | 'tls' | 'write' | 'ack' | 'close';

/** Machine-readable reason of a failed send. */
export type SendErrorCode =
  | 'invalid-device'
  | 'message-rejected'
  | 'not-found'
  | 'refused'
  | 'unreachable'
  | 'timed-out'
  | 'reset'
  | 'peer-closed'
  | 'tls-failed'
  | 'tls-untrusted'
  | 'fingerprint-mismatch'
  | 'ack-missing'
  | 'ack-mismatch'
  | 'cancelled'
  | 'unknown';

export interface SendResult {
  device: string;
  outcome: SendOutcome;
  /** `ip:port` of the address that was used or last tried. */
  address?: string;
  durationMs: number;
  /** Bytes written, framing included. */
  bytes: number;
  truncated: boolean;
  error?: SendFailure;
}

/** Plain-data description of a failure, safe to log, persist and show. */
export interface SendFailure {
  code: SendErrorCode;
  stage: SendStage;
  device: string;
  address?: string;
  /** One sentence for the user: what failed, on which device, and what to do next. */
  message: string;
  /** Per-address errors when every address of a host name failed. */
  attempts?: { address: string; code: string }[];
}

/** Result of a connection check: connect, and complete TLS when configured, without a payload. */
export interface ConnectionCheck {
  ok: boolean;
  durationMs: number;
  /** `ip:port` of the address that was used or last tried. */
  address?: string;
  error?: SendFailure;
}
