import { escapeControlCharacters } from './display';
import type { ReceiverLogEntry } from './types';

/** Fields of a log entry that the CLI writes; receiver entries and CLI warnings both fit. */
export type LogLineEntry = Pick<ReceiverLogEntry, 'level' | 'message'> & { code: string };

export interface LogLimits {
  /** Entries of one code written per window; later ones are only counted. */
  maxEntriesPerWindow: number;
  windowMs: number;
  now?: () => number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { maxEntriesPerWindow: 10, windowMs: 60_000 };

interface CodeWindow {
  startedAt: number;
  written: number;
  suppressed: number;
}

/**
 * Creates a log function that writes each entry as one line, at most
 * `maxEntriesPerWindow` per code and window. When a code's window ends, the next entry of
 * that code first reports how many were suppressed, so a flood of bad clients cannot fill
 * the terminal.
 */
export function createRateLimitedLog(
  writeLine: (line: string) => void,
  limits: LogLimits = DEFAULT_LOG_LIMITS,
): (entry: LogLineEntry) => void {
  const now = limits.now ?? Date.now;
  const windows = new Map<string, CodeWindow>();
  return (entry) => {
    const time = now();
    let window = windows.get(entry.code);
    if (window === undefined || time - window.startedAt >= limits.windowMs) {
      if (window !== undefined && window.suppressed > 0) {
        writeLine(
          `${new Date(time).toISOString()} ${entry.level.toUpperCase()} ${entry.code}: ` +
            `${window.suppressed} more entries of this kind were suppressed.`,
        );
      }
      window = { startedAt: time, written: 0, suppressed: 0 };
      windows.set(entry.code, window);
    }
    if (window.written >= limits.maxEntriesPerWindow) {
      window.suppressed += 1;
      return;
    }
    window.written += 1;
    writeLine(formatLogLine(entry, time));
  };
}

export function formatLogLine(entry: LogLineEntry, time: number): string {
  // A message may quote what a client sent (a JSON parse error does), so it is escaped too.
  const message = escapeControlCharacters(entry.message);
  return `${new Date(time).toISOString()} ${entry.level.toUpperCase()} ${entry.code}: ${message}`;
}
