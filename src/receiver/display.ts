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

/** Replaces C0 and C1 control characters except tab with `\n`, `\r` or `\xNN`/`\u00NN`. */
export function escapeControlCharacters(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the purpose.
  return text.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/g, (character) => {
    if (character === '\n') {
      return '\\n';
    }
    if (character === '\r') {
      return '\\r';
    }
    const code = character.charCodeAt(0);
    const hex = code.toString(16).padStart(2, '0');
    return code < 0x80 ? `\\x${hex}` : `\\u00${hex}`;
  });
}
