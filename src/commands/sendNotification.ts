import * as vscode from 'vscode';
import type { DeviceEntry } from '../devices/merge';
import type { Notification } from '../sender/types';
import { parseSendArguments, type SendArguments } from '../sending/args';
import { sendAndReport } from '../sending/report';
import { summarizeResult, type SendResultSummary } from '../sending/summary';
import type { Services } from '../services';
import { showError, showInputBox } from '../ui';
import { resolveDevices } from './deviceArgs';

export const SEND_NOTIFICATION_COMMAND = 'devicePush.sendNotification';
const ACTION = 'Send Notification';

export function registerSendNotification(services: Services): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand(
      SEND_NOTIFICATION_COMMAND,
      (first?: unknown, second?: unknown) => sendNotificationCommand(services, first, second),
    ),
  );
}

/**
 * Runs "Send Notification" from any entry point:
 * - palette or status bar: pick devices (the default first, then recent ones), type the message
 *   and, when a chosen device's framing carries one, an optional title;
 * - tree item: the clicked or selected devices, then the prompts;
 * - keybinding, task or another extension: `{ device | devices, message, title, priority }`.
 *   With a message and no device the default device is used.
 * Returns one plain-data result per device, or undefined when nothing was sent (cancelled, or
 * invalid arguments, which are reported in a message). Never throws.
 */
export async function sendNotificationCommand(
  services: Services,
  first: unknown,
  second: unknown,
): Promise<SendResultSummary[] | undefined> {
  try {
    return await runSendNotification(services, first, second);
  } catch (error) {
    services.log.error(`${ACTION} failed: ${String(error)}`);
    void showError(`${ACTION} failed unexpectedly. See the log for details.`);
    return undefined;
  }
}

async function runSendNotification(
  services: Services,
  first: unknown,
  second: unknown,
): Promise<SendResultSummary[] | undefined> {
  let args: SendArguments = {};
  let deviceArgs: unknown[] = [first, second];
  if (isArgumentObject(first)) {
    const parsed = parseSendArguments(first);
    if (!parsed.ok) {
      const keys = Object.keys(first).join(', ') || 'none';
      services.log.warn(`${ACTION}: invalid arguments (keys: ${keys}): ${parsed.problem}`);
      void showError(`${ACTION}: ${parsed.problem}`);
      return undefined;
    }
    args = parsed.value;
    deviceArgs = args.devices ? [{ devices: args.devices }] : [];
  }

  const entries = await resolveDevices(services, deviceArgs, {
    multi: true,
    placeHolder: 'Send to which devices?',
    action: ACTION,
    preferDefault: args.message !== undefined,
  });
  if (!entries) {
    return undefined;
  }

  const notification = await completeNotification(entries, args);
  if (!notification) {
    services.log.debug(`${ACTION}: cancelled.`);
    return undefined;
  }
  const results = await sendAndReport(services, entries, notification, 'command');
  return results.map(({ result }) => summarizeResult(result));
}

/** Asks for what the arguments left out; returns undefined when the user cancelled. */
async function completeNotification(
  entries: readonly DeviceEntry[],
  args: SendArguments,
): Promise<Notification | undefined> {
  const message = args.message ?? (await askMessage(entries));
  if (message === undefined) {
    return undefined;
  }
  let title = args.title;
  if (args.message === undefined && title === undefined && entries.some(carriesTitle)) {
    const typed = await askTitle(entries);
    if (typed === undefined) {
      return undefined;
    }
    title = typed.trim() === '' ? undefined : typed;
  }
  const notification: Notification = { message };
  if (title !== undefined) {
    notification.title = title;
  }
  if (args.priority !== undefined) {
    notification.priority = args.priority;
  }
  return notification;
}

/**
 * Returns whether the device's framing sends a title: `json` as a field, `line` and
 * `length-prefixed` as `title: message`. `raw` sends the message alone.
 */
function carriesTitle(entry: DeviceEntry): boolean {
  return entry.config !== undefined && entry.config.framing !== 'raw';
}

function askMessage(entries: readonly DeviceEntry[]): Promise<string | undefined> {
  const smallest = Math.min(...entries.map((entry) => entry.config?.maxBytes ?? Infinity));
  const limited = entries.find((entry) => entry.config?.maxBytes === smallest);
  return showInputBox({
    title: `${ACTION} to ${entries.map((entry) => `"${entry.label}"`).join(', ')}`,
    prompt: 'Message',
    placeHolder: 'Build finished, coffee is ready, …',
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (value.trim() === '') {
        return 'Type the message to send.';
      }
      const bytes = Buffer.byteLength(value, 'utf8');
      if (limited && bytes > smallest) {
        return {
          message: `${bytes} bytes: "${limited.label}" accepts ${smallest}, so the message will be truncated.`,
          severity: vscode.InputBoxValidationSeverity.Warning,
        };
      }
      return undefined;
    },
  });
}

function askTitle(entries: readonly DeviceEntry[]): Promise<string | undefined> {
  const raw = entries.filter((entry) => !carriesTitle(entry));
  const note =
    raw.length > 0
      ? ` ${raw.map((entry) => `"${entry.label}"`).join(', ')} (raw framing) will not show it.`
      : '';
  return showInputBox({
    title: `${ACTION}: title`,
    prompt: `Optional title; leave empty for none.${note}`,
    ignoreFocusOut: true,
  });
}

/** An argument object from a keybinding, task or extension, as opposed to a tree node. */
function isArgumentObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !('entryId' in value)
  );
}
