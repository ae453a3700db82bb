import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Priority } from '../sender/types';
import { trimLineBreaks } from './display';
import type { ReceivedNotification } from './types';

/** A `notify-send` that has not exited after this long is killed. */
const NOTIFY_SEND_TIMEOUT_MS = 10_000;
/** Notifications arriving while this many `notify-send` processes run are only printed. */
const MAX_RUNNING_NOTIFY_SEND = 4;
/** Desktop bubbles show only a few lines, and one argument may not exceed 128 KiB on Linux. */
const MAX_BODY_CHARACTERS = 2_000;
const DEFAULT_SUMMARY = 'Device Push';

const URGENCY: Record<Priority, string> = { low: 'low', normal: 'normal', high: 'critical' };

/** Environment variables that show that a desktop session can display notifications. */
const SESSION_VARIABLES = ['DISPLAY', 'WAYLAND_DISPLAY', 'DBUS_SESSION_BUS_ADDRESS'];

/**
 * Returns the absolute path of `notify-send` when it is on PATH and a desktop session
 * variable is set, or undefined otherwise.
 */
export function findNotifySend(env: NodeJS.ProcessEnv): string | undefined {
  if (!SESSION_VARIABLES.some((name) => (env[name] ?? '') !== '')) {
    return undefined;
  }
  for (const directory of (env.PATH ?? '').split(delimiter)) {
    if (directory === '') {
      continue;
    }
    const candidate = join(directory, 'notify-send');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/** Builds the `notify-send` arguments for one notification. */
export function notifySendArguments(notification: ReceivedNotification): string[] {
  const urgency = URGENCY[notification.priority ?? 'normal'];
  const summary = notification.title ?? DEFAULT_SUMMARY;
  let body = trimLineBreaks(notification.message);
  if (body.length > MAX_BODY_CHARACTERS) {
    body = `${body.slice(0, MAX_BODY_CHARACTERS)}…`;
  }
  // Notification servers may read the body as markup, so the text is escaped.
  const escapedBody = body.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  // `--` stops option parsing, so a title that starts with `-` is not read as an option.
  return ['--app-name=Device Push', `--urgency=${urgency}`, '--', summary, escapedBody];
}

/**
 * Creates a function that shows each notification with `notify-send`. It runs the program
 * directly, without a shell. `onFailure` gets one sentence per failed or skipped call.
 */
export function createDesktopNotifier(
  command: string,
  onFailure: (message: string) => void,
): (notification: ReceivedNotification) => void {
  let running = 0;
  return (notification) => {
    if (running >= MAX_RUNNING_NOTIFY_SEND) {
      onFailure(
        `Skipped the desktop notification for ${notification.from}: ` +
          `${MAX_RUNNING_NOTIFY_SEND} notify-send processes are still running.`,
      );
      return;
    }
    running += 1;
    const args = notifySendArguments(notification);
    execFile(command, args, { timeout: NOTIFY_SEND_TIMEOUT_MS }, (error, _stdout, stderr) => {
      running -= 1;
      if (error !== null) {
        const detail = stderr.trim() || error.message;
        onFailure(`notify-send failed: ${detail}. Run with --no-desktop to only print.`);
      }
    });
  };
}
