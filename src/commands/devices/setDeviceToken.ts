import type { DeviceEntry } from '../../devices/merge';
import { scopeLabel } from '../../devices/merge';
import type { Services } from '../../services';
import { showInfo, showInputBox, showMessage } from '../../ui';
import { resolveDeviceArgs } from './resolve';

export const SET_DEVICE_TOKEN_COMMAND = 'devicePush.setDeviceToken';
const TITLE = 'Set Device Token';
const DELETE = 'Delete Token';

export type TokenChange = 'stored' | 'deleted' | 'unchanged';

/**
 * Set Device Token: asks for each device's token in a password input box and stores it in
 * SecretStorage, bound to that device definition. Empty input offers to delete the stored token.
 * The token never appears in settings, messages or the log.
 */
export function setDeviceTokenCommand(services: Services) {
  return async (...args: unknown[]): Promise<TokenChange[] | undefined> => {
    const entries = await resolveDeviceArgs(services, args, {
      multi: true,
      action: TITLE,
      placeHolder: 'Set the token of which device?',
    });
    if (!entries) {
      return undefined;
    }
    const changes: TokenChange[] = [];
    for (const entry of entries) {
      const change = await setTokenOf(services, entry);
      if (change === undefined) {
        break;
      }
      changes.push(change);
    }
    return changes;
  };
}

/** Returns undefined when the user cancelled the input box. */
async function setTokenOf(
  services: Services,
  entry: DeviceEntry,
): Promise<TokenChange | undefined> {
  const config = entry.config!;
  const hasToken = await services.tokens.has(entry);
  const token = await showInputBox({
    title: `Token of "${entry.label}" (${config.host}:${config.port}, ${scopeLabel(entry)})`,
    prompt: hasToken
      ? 'A token is stored. Enter a new one to replace it, or leave empty to delete it.'
      : 'Enter the shared secret the device expects. It is kept in VS Code secret storage.',
    password: true,
    ignoreFocusOut: true,
  });
  if (token === undefined) {
    return undefined;
  }
  if (token === '') {
    if (!hasToken) {
      void showInfo(`"${entry.label}" has no stored token, so nothing changed.`);
      return 'unchanged';
    }
    const choice = await showMessage(
      'warning',
      `Delete the token of "${entry.label}" (${scopeLabel(entry)})?`,
      { modal: true, detail: 'Notifications to it are then sent without a token.' },
      DELETE,
    );
    if (choice !== DELETE) {
      return 'unchanged';
    }
    await services.tokens.delete(entry);
    void showInfo(`Deleted the token of "${entry.label}".`);
    return 'deleted';
  }
  await services.tokens.set(entry, token);
  const note =
    config.framing === 'json'
      ? ''
      : ` Only the json framing carries a token; "${entry.label}" uses ${config.framing}.`;
  void showInfo(`Stored the token of "${entry.label}".${note}`);
  return 'stored';
}
