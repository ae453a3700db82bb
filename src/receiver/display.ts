import type { ReceivedNotification } from './types';

/**
 * Formats one notification as a single terminal line: receive time (ISO 8601), sender
 * address, then `title: message`. Trailing line breaks are dropped. Inner line breaks and
 * other control characters are shown as escapes, so a client cannot break the line or send
 * terminal control sequences.
 */
export function formatNotificationLine(notification: ReceivedNotification): string {
  const text =
    notification.title === undefined
      ? notification.message
      : `${notification.title}: ${notification.message}`;
  const time = notification.receivedAt.toISOString();
  return `${time} ${notification.from} ${escapeControlCharacters(trimLineBreaks(text))}`;
}

/** Removes line breaks at the end, such as the one `echo text | nc` adds. */
export function trimLineBreaks(text: string): string {
  return text.replace(/[\r\n]+$/, '');
}

/** C0 and C1 controls except tab, and U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069. */
const UNSAFE_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the purpose.
  /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Replaces control characters except tab with `\n`, `\r` or `\xNN`, and the Unicode marks that
 * reorder text on screen (bidirectional overrides, embeddings and isolates) with `\uNNNN`.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, (character) => {
    if (character === '\n') {
      return '\\n';
    }
    if (character === '\r') {
      return '\\r';
    }
    const code = character.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
