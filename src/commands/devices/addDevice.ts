import { scopeLabel } from '../../devices/merge';
import { validateDeviceEntry } from '../../devices/schema';
import { addDevice, type ScopeTarget } from '../../devices/writer';
import type { Services } from '../../services';
import { showError, showInfo } from '../../ui';
import { askForDevice } from './addDeviceSteps';
import { targetFromArgs } from './scopeChoice';

export const ADD_DEVICE_COMMAND = 'devicePush.addDevice';
const TITLE = 'Add Device';

/** What Add Device returns when it wrote a device. */
export interface AddedDevice {
  name: string;
  scope: ScopeTarget['scope'];
  folderUri?: string;
}

/**
 * Add Device. Without arguments it asks step by step (name, host, port, framing, TLS and
 * acknowledgement, an optional connection test, the target settings). With an object argument it
 * adds without prompts: the device fields of `devicePush.devices` plus `scope` (`user`, the
 * default, `workspace` or `folder`) and `folder` (a folder name or URI, for `folder`).
 */
export function addDeviceCommand(services: Services) {
  return async (...args: unknown[]): Promise<AddedDevice | undefined> => {
    const [first] = args;
    if (first === undefined) {
      const answer = await askForDevice(services);
      return answer ? write(services, answer.target, answer.device) : undefined;
    }
    if (typeof first !== 'object' || first === null || Array.isArray(first)) {
      void showError(
        `${TITLE}: unexpected argument ${JSON.stringify(first)}. Pass an object such as ` +
          '{ "name": "Pi", "host": "192.168.1.20", "port": 7878 }, or no argument to be asked.',
      );
      return undefined;
    }
    const { scope, folder, ...device } = first as Record<string, unknown>;
    const target = targetFromArgs(scope, folder);
    if (typeof target === 'string') {
      void showError(`${TITLE}: ${target}`);
      return undefined;
    }
    const validation = validateDeviceEntry(device);
    if (!validation.ok) {
      const name = validation.name ? ` "${validation.name}"` : '';
      void showError(`${TITLE}: device${name} is invalid. ${validation.problems.join(' ')}`);
      return undefined;
    }
    return write(services, target, device);
  };
}

async function write(
  services: Services,
  target: ScopeTarget,
  device: Record<string, unknown>,
): Promise<AddedDevice> {
  await addDevice(target, device);
  const name = String(device.name).trim();
  services.log.info(`Added device "${name}" to ${scopeLabel(target)}.`);
  services.registry.reload();
  const winner = services.registry.find(name);
  const hidden =
    winner && (winner.scope !== target.scope || winner.folderUri !== target.folderUri)
      ? ` ${scopeLabel(winner)} also define "${name}", and that definition wins here.`
      : '';
  void showInfo(`Added device "${name}" to ${scopeLabel(target)}.${hidden}`);
  const added: AddedDevice = { name, scope: target.scope };
  if (target.folderUri) {
    added.folderUri = target.folderUri;
  }
  return added;
}
