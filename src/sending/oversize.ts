/**
 * Whether a text fits the size limit of each device before it is sent. Pure, so unit tests run
 * in plain Node.
 */

import type { DeviceConfig } from '../devices/schema';
import { applyLineBreakRule } from '../sender/framing';
import { encodeNotification } from '../sender';

export interface Oversize {
  device: string;
  /** Bytes the text takes in the device's framing, before truncation. */
  bytes: number;
  /** The device's `maxBytes`. */
  maxBytes: number;
}

/**
 * Returns the devices that would truncate `message`. The sender decides, so the answer matches
 * what is sent: `line` framing counts the text after its line-break rule, which can make a
 * multi-line text longer than its UTF-8 size.
 */
export function findOversize(message: string, configs: readonly DeviceConfig[]): Oversize[] {
  const found: Oversize[] = [];
  for (const config of configs) {
    const { truncated } = encodeNotification(config, { message });
    if (truncated) {
      const text =
        config.framing === 'line' ? applyLineBreakRule(message, config.lineBreaks) : message;
      found.push({
        device: config.name,
        bytes: Buffer.byteLength(text, 'utf8'),
        maxBytes: config.maxBytes,
      });
    }
  }
  return found;
}

/** Asks whether to send `what` (e.g. "selection") truncated, naming each device and size. */
export function describeOversize(what: string, oversize: readonly Oversize[]): string {
  if (oversize.length === 1) {
    const [item] = oversize;
    return (
      `The ${what} is ${item.bytes} bytes, more than the ${item.maxBytes} bytes that ` +
      `"${item.device}" accepts. Send it truncated to ${item.maxBytes} bytes?`
    );
  }
  const list = oversize
    .map((item) => `"${item.device}" (${item.bytes} bytes, limit ${item.maxBytes})`)
    .join(', ');
  return `The ${what} is longer than these devices accept: ${list}. Send it truncated?`;
}
