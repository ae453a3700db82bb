import * as vscode from 'vscode';
import { findOversize, describeOversize } from '../sending/oversize';
import { sendAndReport } from '../sending/report';
import { selectedText } from '../sending/selection';
import { summarizeResult, type SendResultSummary } from '../sending/summary';
import type { Services } from '../services';
import { showError, showInfo, showMessage } from '../ui';
import { resolveDevices } from './deviceArgs';

export const SEND_SELECTION_COMMAND = 'devicePush.sendSelection';
const ACTION = 'Send Selection to Device';
const SEND_TRUNCATED = 'Send Truncated';

export function registerSendSelection(services: Services): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand(SEND_SELECTION_COMMAND, (first?: unknown, second?: unknown) =>
      sendSelectionCommand(services, first, second),
    ),
  );
}

/**
 * Sends the selected text of the active editor, or the current line when nothing is selected (see
 * `selectedText` for multiple cursors), to the default device. Without a default device a picker
 * opens; `{ "device": "name" }` from a keybinding names the device. Text longer than the device
 * accepts is sent truncated only after the user confirms. Returns one plain-data result per
 * device, or undefined when nothing was sent. Never throws.
 */
export async function sendSelectionCommand(
  services: Services,
  first: unknown,
  second: unknown,
): Promise<SendResultSummary[] | undefined> {
  try {
    return await runSendSelection(services, first, second);
  } catch (error) {
    services.log.error(`${ACTION} failed: ${String(error)}`);
    void showError(`${ACTION} failed unexpectedly. See the log for details.`);
    return undefined;
  }
}

async function runSendSelection(
  services: Services,
  first: unknown,
  second: unknown,
): Promise<SendResultSummary[] | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void showInfo(`${ACTION}: no editor is active. Open a file and select the text to send.`);
    return undefined;
  }
  const { text, source } = selectedText<vscode.Selection>(editor.document, editor.selections);
  if (text === '') {
    const what = source === 'line' ? 'The current line is empty' : 'The selection is empty';
    void showInfo(`${ACTION}: ${what}. Select the text to send.`);
    return undefined;
  }

  const entries = await resolveDevices(services, [first, second], {
    multi: false,
    placeHolder: 'Send the selection to which device?',
    action: ACTION,
    preferDefault: true,
  });
  if (!entries) {
    return undefined;
  }

  const configs = entries.flatMap((entry) => (entry.config ? [entry.config] : []));
  const oversize = findOversize(text, configs);
  if (oversize.length > 0) {
    const what = source === 'line' ? 'current line' : 'selection';
    const choice = await showMessage(
      'warning',
      describeOversize(what, oversize),
      { modal: true },
      SEND_TRUNCATED,
    );
    if (choice !== SEND_TRUNCATED) {
      services.log.info(`${ACTION}: not sent, the ${what} is longer than the device accepts.`);
      return undefined;
    }
  }

  const results = await sendAndReport(services, entries, { message: text }, 'selection');
  return results.map(({ result }) => summarizeResult(result));
}
