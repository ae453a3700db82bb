import type { DeviceEntry } from '../../devices/merge';
import { scopeLabel } from '../../devices/merge';
import { removeDevices } from '../../devices/writer';
import type { Services } from '../../services';
import { showMessage } from '../../ui';
import { resolveDeviceArgs } from './resolve';

export const REMOVE_DEVICE_COMMAND = 'devicePush.removeDevice';
const TITLE = 'Remove Device';
const REMOVE = 'Remove';

/**
 * Remove: after a modal confirmation that names each device and its settings, removes each entry
 * from the list of the scope that defines it (never from other scopes), then deletes its token
 * and its approval.
 */
export function removeDeviceCommand(services: Services) {
  return async (...args: unknown[]): Promise<string[] | undefined> => {
    const entries = await resolveDeviceArgs(services, args, {
      multi: true,
      allowInvalid: true,
      action: TITLE,
      placeHolder: 'Remove which devices?',
    });
    if (!entries || !(await confirm(entries))) {
      return undefined;
    }
    await removeDevices(entries);
    for (const entry of entries) {
      services.log.info(`Removed device "${entry.label}" from ${scopeLabel(entry)}.`);
      await forgetSecrets(services, entry);
    }
    return entries.map((entry) => entry.label);
  };
}

async function confirm(entries: readonly DeviceEntry[]): Promise<boolean> {
  const describe = (entry: DeviceEntry): string => `"${entry.label}" from ${scopeLabel(entry)}`;
  const text =
    entries.length === 1
      ? `Remove device ${describe(entries[0])}?`
      : `Remove ${entries.length} devices: ${entries.map(describe).join(', ')}?`;
  const choice = await showMessage(
    'warning',
    text,
    {
      modal: true,
      detail: 'Other settings scopes keep their own devices. Stored tokens are deleted.',
    },
    REMOVE,
  );
  return choice === REMOVE;
}

/** Deletes the token and the approval of a removed definition; failures are only logged. */
async function forgetSecrets(services: Services, entry: DeviceEntry): Promise<void> {
  try {
    await services.tokens.delete(entry);
    await services.approvals.forget(entry);
  } catch (error) {
    services.log.warn(`Could not delete the token of removed device "${entry.label}"`, error);
  }
}
