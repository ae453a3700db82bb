import type { Services } from '../../services';
import { ADD_DEVICE_COMMAND, addDeviceCommand } from './addDevice';
import { registerDeviceCommand } from './common';
import { EDIT_DEVICE_COMMAND, editDeviceCommand } from './editDevice';
import { REFRESH_DEVICES_COMMAND, refreshDevicesCommand } from './refreshDevices';
import { REMOVE_DEVICE_COMMAND, removeDeviceCommand } from './removeDevice';
import { SET_DEFAULT_DEVICE_COMMAND, setDefaultDeviceCommand } from './setDefaultDevice';
import { SET_DEVICE_TOKEN_COMMAND, setDeviceTokenCommand } from './setDeviceToken';
import { TEST_CONNECTION_COMMAND, testConnectionCommand } from './testConnection';

/** Registers the device management commands. Each accepts every entry point's arguments. */
export function registerDeviceCommands(services: Services): void {
  const commands: [string, string, (...args: unknown[]) => Promise<unknown>][] = [
    [ADD_DEVICE_COMMAND, 'Add Device', addDeviceCommand(services)],
    [REFRESH_DEVICES_COMMAND, 'Refresh Devices', refreshDevicesCommand(services)],
    [TEST_CONNECTION_COMMAND, 'Test Connection', testConnectionCommand(services)],
    [SET_DEFAULT_DEVICE_COMMAND, 'Set as Default Device', setDefaultDeviceCommand(services)],
    [EDIT_DEVICE_COMMAND, 'Edit Device', editDeviceCommand(services)],
    [SET_DEVICE_TOKEN_COMMAND, 'Set Device Token', setDeviceTokenCommand(services)],
    [REMOVE_DEVICE_COMMAND, 'Remove Device', removeDeviceCommand(services)],
  ];
  for (const [id, title, handler] of commands) {
    services.context.subscriptions.push(registerDeviceCommand(services, id, title, handler));
  }
}
