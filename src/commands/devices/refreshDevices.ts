import type { Services } from '../../services';

export const REFRESH_DEVICES_COMMAND = 'devicePush.refreshDevices';

/** Refresh: reads every settings scope again; the Devices view follows the registry. */
export function refreshDevicesCommand(services: Services) {
  return (): Promise<number> => {
    services.registry.reload();
    return Promise.resolve(services.registry.all().length);
  };
}
