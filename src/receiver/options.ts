import type { Framing, LineBreakRule } from '../sender/types';
import { ReceiverError } from './errors';
import type { ReceivedNotification, ReceiverLogEntry } from './types';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_CONNECTIONS = 32;

/** Largest delay that Node's timers accept, in milliseconds. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Largest length a 4-byte length prefix can carry. */
const MAX_FRAME_BYTES = 2 ** 32 - 1;

const FRAMINGS: readonly Framing[] = ['raw', 'line', 'json', 'length-prefixed'];
const LINE_BREAK_RULES: readonly LineBreakRule[] = ['escape', 'space'];

export interface ReceiverOptions {
  /** Interface address to listen on. Default: `127.0.0.1`. */
  host?: string;
  /** TCP port. With 0 the system chooses a free port, which `Receiver.address` reports. */
  port: number;
  /** Wire format that every client of this receiver uses. Default: `raw`. */
  framing?: Framing;
  /** Line-break rule of the `line` framing, which must match the sender. Default: `escape`. */
  lineBreaks?: LineBreakRule;
  /** Reply line (without terminator) written after each accepted notification. */
  ack?: string;
  /** Shared secret. Needs the `json` framing: messages without this exact `token` are rejected. */
  token?: string;
  /**
   * Maximum bytes of one message on the wire, without line terminator or length prefix.
   * Default: 64 KiB.
   */
  maxMessageBytes?: number;
  /** Idle time in milliseconds after which a silent connection is closed. Default: 30 s. */
  idleTimeoutMs?: number;
  /** Maximum number of open connections (default 32). Further ones are closed at once. */
  maxConnections?: number;
  /** Handler called once per accepted notification. A thrown error or rejection is logged. */
  onNotification: (notification: ReceivedNotification) => void | Promise<unknown>;
  onLog?: (entry: ReceiverLogEntry) => void;
}

/** Options with every default filled in. */
export interface ResolvedReceiverOptions {
  host: string;
  port: number;
  framing: Framing;
  lineBreaks: LineBreakRule;
  ack: string | undefined;
  token: string | undefined;
  maxMessageBytes: number;
  idleTimeoutMs: number;
  maxConnections: number;
  onNotification: ReceiverOptions['onNotification'];
  onLog: (entry: ReceiverLogEntry) => void;
}

/** Fills in defaults and throws a `ReceiverError` with code `invalid-option` for a bad value. */
export function resolveReceiverOptions(options: ReceiverOptions): ResolvedReceiverOptions {
  const resolved: ResolvedReceiverOptions = {
    host: options.host ?? DEFAULT_HOST,
    port: options.port,
    framing: options.framing ?? 'raw',
    lineBreaks: options.lineBreaks ?? 'escape',
    ack: options.ack,
    token: options.token,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    onNotification: options.onNotification,
    onLog: guardLogCallback(options.onLog),
  };
  validateResolvedOptions(resolved);
  return resolved;
}

/** Wraps the log callback so that an error thrown inside it cannot stop the receiver. */
function guardLogCallback(onLog: ReceiverOptions['onLog']): ResolvedReceiverOptions['onLog'] {
  return (entry) => {
    try {
      onLog?.(entry);
    } catch {
      // Nothing is left to report the failure to.
    }
  };
}

function validateResolvedOptions(options: ResolvedReceiverOptions): void {
  if (typeof options.host !== 'string' || options.host.length === 0) {
    throw invalidOption('host', options.host, 'an interface address such as 127.0.0.1');
  }
  requireInteger('port', options.port, 0, 65_535);
  if (!FRAMINGS.includes(options.framing)) {
    throw invalidOption('framing', options.framing, `one of ${FRAMINGS.join(', ')}`);
  }
  if (!LINE_BREAK_RULES.includes(options.lineBreaks)) {
    throw invalidOption('lineBreaks', options.lineBreaks, 'escape or space');
  }
  if (options.ack !== undefined && !isSingleLine(options.ack)) {
    throw invalidOption('ack', options.ack, 'non-empty text without line breaks');
  }
  validateToken(options);
  requireInteger('maxMessageBytes', options.maxMessageBytes, 1, MAX_FRAME_BYTES);
  requireInteger('idleTimeoutMs', options.idleTimeoutMs, 1, MAX_TIMER_MS);
  requireInteger('maxConnections', options.maxConnections, 1, Number.MAX_SAFE_INTEGER);
  if (typeof options.onNotification !== 'function') {
    throw invalidOption('onNotification', options.onNotification, 'a function');
  }
}

function validateToken(options: ResolvedReceiverOptions): void {
  if (options.token === undefined) {
    return;
  }
  // The value itself is a secret, so the error must not show it.
  if (!isSingleLine(options.token)) {
    throw new ReceiverError(
      'invalid-option',
      'options',
      'Invalid token: expected non-empty text without line breaks.',
    );
  }
  if (options.framing !== 'json') {
    throw new ReceiverError(
      'invalid-option',
      'options',
      `A token needs the json framing, because only json messages carry one; ` +
        `framing is ${options.framing}. Use framing json or remove the token.`,
    );
  }
}

function isSingleLine(text: unknown): boolean {
  return typeof text === 'string' && text.length > 0 && !/[\r\n]/.test(text);
}

function requireInteger(name: string, value: unknown, min: number, max: number): void {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw invalidOption(name, value, `an integer from ${min} to ${max}`);
  }
}

function invalidOption(name: string, value: unknown, expected: string): ReceiverError {
  return new ReceiverError(
    'invalid-option',
    'options',
    `Invalid ${name}: ${JSON.stringify(value) ?? String(value)}; expected ${expected}.`,
  );
}
