import type { DeviceEntry } from '../devices/merge';

/**
 * Returns the key under which the outbox queues a device's notifications: the settings scope,
 * the workspace or folder that defines the device, and its name in lower case.
 *
 * The host and port are left out on purpose, so queued notifications follow a device whose
 * address was edited; the target is built from the current settings when they are sent. The
 * scope and location are part of the key because the outbox file is shared by every window: a
 * workspace device "Pi" of one workspace must not receive what was queued for the user device
 * "Pi" or for another workspace's "Pi".
 *
 * @param workspaceId id of the open workspace, used for entries from workspace settings.
 */
export function deviceKeyOf(
  entry: Pick<DeviceEntry, 'scope' | 'folderUri' | 'label' | 'config'>,
  workspaceId: string | undefined,
): string {
  let location = '';
  if (entry.scope === 'workspace') {
    location = workspaceId ?? '';
  } else if (entry.scope === 'folder') {
    location = entry.folderUri ?? '';
  }
  const name = (entry.config?.name ?? entry.label).toLowerCase();
  return JSON.stringify([entry.scope, location, name]);
}
