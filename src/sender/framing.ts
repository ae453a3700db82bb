import { TRUNCATION_MARKER, truncateUtf8 } from './truncate';
import type { DeviceTarget, LineBreakRule, LineEnding, Notification, TaskInfo } from './types';

export const DEFAULT_SOURCE = 'vscode';
export const DEFAULT_PRIORITY = 'normal';

/** Size of the big-endian byte count in front of a `length-prefixed` payload. */
export const LENGTH_PREFIX_BYTES = 4;

export interface EncodedNotification {
  /** Bytes to write, framing included. */
  bytes: Buffer;
  /** Whether the text was cut to the device's `maxBytes`. */
  truncated: boolean;
}

type FramingOptions = Pick<DeviceTarget, 'framing' | 'lineEnding' | 'lineBreaks' | 'maxBytes'> &
  Partial<Pick<DeviceTarget, 'token'>>;

/**
 * Encodes a notification as the device's framing expects it. The device must have passed
 * `validateTarget`.
 * - `raw`: the message as UTF-8, no title, no terminator. The end of the stream ends it.
 * - `line`: `title: message` (or the message alone) on one line, line breaks replaced by the
 *   device's `lineBreaks` rule, then the `lineEnding` terminator.
 * - `json`: one JSON object and the `lineEnding` terminator. `timestamp` defaults to now,
 *   the only input that is not taken from the arguments.
 * - `length-prefixed`: the same text as `line` without any rewriting, after a 4-byte big-endian
 *   byte count.
 *
 * `maxBytes` limits the text before framing: the whole text for `raw`, `line` and
 * `length-prefixed`, and the `title` and `message` fields for `json`.
 */
export function encodeNotification(
  device: FramingOptions,
  notification: Notification,
): EncodedNotification {
  switch (device.framing) {
    case 'raw': {
      const { text, truncated } = truncateUtf8(notification.message, device.maxBytes);
      return { bytes: Buffer.from(text, 'utf8'), truncated };
    }
    case 'line':
      return encodeLine(device, notification);
    case 'json':
      return encodeJson(device, notification);
    case 'length-prefixed': {
      const { text, truncated } = truncateUtf8(titledText(notification), device.maxBytes);
      const body = Buffer.from(text, 'utf8');
      const prefix = Buffer.alloc(LENGTH_PREFIX_BYTES);
      prefix.writeUInt32BE(body.length, 0);
      return { bytes: Buffer.concat([prefix, body]), truncated };
    }
    default:
      throw new TypeError(`Unknown framing: ${String(device.framing)}`);
  }
}

/** Returns `title: message`, or the message alone when the title is missing or empty. */
export function titledText(notification: Notification): string {
  return notification.title
    ? `${notification.title}: ${notification.message}`
    : notification.message;
}

export function terminatorOf(lineEnding: LineEnding): string {
  return lineEnding === 'crlf' ? '\r\n' : '\n';
}

/** Rewrites line breaks so the text stays on one line; see `LineBreakRule`. */
export function applyLineBreakRule(text: string, rule: LineBreakRule): string {
  if (rule === 'space') {
    return text.replace(/\r\n|\r|\n/g, ' ');
  }
  return text.replace(/[\\\r\n]/g, (char) => {
    if (char === '\\') {
      return '\\\\';
    }
    return char === '\r' ? '\\r' : '\\n';
  });
}

function encodeLine(device: FramingOptions, notification: Notification): EncodedNotification {
  const oneLine = applyLineBreakRule(titledText(notification), device.lineBreaks);
  const { truncated, ...cut } = truncateUtf8(oneLine, device.maxBytes);
  let text = cut.text;
  if (truncated && device.lineBreaks === 'escape') {
    text = dropBrokenEscape(text.slice(0, -TRUNCATION_MARKER.length)) + TRUNCATION_MARKER;
  }
  return { bytes: Buffer.from(text + terminatorOf(device.lineEnding), 'utf8'), truncated };
}

/**
 * Removes a lone trailing `\` left when a cut splits a two-character escape. Every `\` in
 * escaped text starts a pair, so an odd run of trailing backslashes ends with half a pair.
 */
function dropBrokenEscape(escaped: string): string {
  let run = 0;
  while (run < escaped.length && escaped[escaped.length - 1 - run] === '\\') {
    run += 1;
  }
  return run % 2 === 1 ? escaped.slice(0, -1) : escaped;
}

function encodeJson(device: FramingOptions, notification: Notification): EncodedNotification {
  const message = truncateUtf8(notification.message, device.maxBytes);
  const title = notification.title ? truncateUtf8(notification.title, device.maxBytes) : undefined;

  const record: Record<string, unknown> = {};
  if (title) {
    record.title = title.text;
  }
  record.message = message.text;
  record.source = notification.source || DEFAULT_SOURCE;
  record.priority = notification.priority ?? DEFAULT_PRIORITY;
  record.timestamp = (notification.timestamp ?? new Date()).toISOString();
  if (notification.task) {
    record.task = taskRecord(notification.task);
  }
  if (device.token) {
    record.token = device.token;
  }

  const line = JSON.stringify(record) + terminatorOf(device.lineEnding);
  return {
    bytes: Buffer.from(line, 'utf8'),
    truncated: message.truncated || (title?.truncated ?? false),
  };
}

/** Copies only the documented task fields, so extra properties never reach the wire. */
function taskRecord(task: TaskInfo): Record<string, unknown> {
  const record: Record<string, unknown> = { name: task.name, status: task.status };
  if (task.exitCode !== undefined) {
    record.exitCode = task.exitCode;
  }
  record.durationMs = task.durationMs;
  if (task.folder !== undefined) {
    record.folder = task.folder;
  }
  return record;
}
