import * as vscode from 'vscode';
import { scopeLabel } from '../../devices/merge';
import { writeDefaultDevice } from '../../devices/writer';
import type { Services } from '../../services';
import { showWarning } from '../../ui';
import { resolveDeviceArgs } from './resolve';

export const SET_DEFAULT_DEVICE_COMMAND = 'devicePush.setDefaultDevice';
const TITLE = 'Set as Default Device';
const OPEN_SETTINGS = 'Open Settings';
const STATUS_MESSAGE_MS = 4000;

/**
 * Set as Default: writes `devicePush.defaultDevice` in the settings that define the device (user
 * settings for a user device), and warns when a more specific scope names another default.
 */
export function setDefaultDeviceCommand(services: Services) {
  return async (...args: unknown[]): Promise<string | undefined> => {
    const entries = await resolveDeviceArgs(services, args, {
      multi: false,
      action: TITLE,
      placeHolder: 'Which device becomes the default?',
    });
    const entry = entries?.[0];
    if (!entry) {
      return undefined;
    }
    if (entries.length > 1) {
      void showWarning(`${TITLE}: select one device; ${entries.length} are selected.`);
      return undefined;
    }
    await writeDefaultDevice(entry);
    services.log.info(`Default device set to "${entry.label}" in ${scopeLabel(entry)}.`);
    const effective = services.registry.defaultDeviceName();
    if (effective.toLowerCase() !== entry.label.toLowerCase()) {
      void showWarning(
        `"${entry.label}" is now the default in ${scopeLabel(entry)}, but more specific ` +
          `settings name "${effective}", which wins here. Change it there to use "${entry.label}".`,
        OPEN_SETTINGS,
      ).then((choice) => {
        if (choice === OPEN_SETTINGS) {
          void vscode.commands.executeCommand(
            'workbench.action.openSettings',
            'devicePush.defaultDevice',
          );
        }
      });
    } else {
      vscode.window.setStatusBarMessage(`Default device: ${entry.label}`, STATUS_MESSAGE_MS);
    }
    return entry.label;
  };
}
