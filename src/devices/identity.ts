/**
 * Identity of one device definition, used to bind secrets and approvals to it. Pure, so unit
 * tests run without VS Code.
 *
 * The identity is the scope, the place that defines the entry (nothing for user settings, the
 * workspace for workspace settings, the folder for folder settings), the name and the address.
 * Editing the host or port of a device, or a workspace defining a device with the same name as a
 * user device, therefore yields a different identity, and no token or approval carries over.
 */

import type { DeviceEntry } from './merge';

export interface DefinitionIdentity {
  scope: DeviceEntry['scope'];
  /** Workspace id for workspace settings, folder URI for folder settings, empty for user. */
  location: string;
  /** Lower case, because names compare case-insensitively. */
  name: string;
  /** Lower case, because host names compare case-insensitively. */
  host: string;
  port: number;
}

/**
 * Returns the identity of a valid entry, or undefined for an invalid one.
 * @param workspaceId id of the open workspace (see `DeviceRegistry.workspaceId`), used for
 *   entries from workspace settings.
 */
export function definitionIdentity(
  entry: DeviceEntry,
  workspaceId: string | undefined,
): DefinitionIdentity | undefined {
  if (!entry.config) {
    return undefined;
  }
  let location = '';
  if (entry.scope === 'workspace') {
    location = workspaceId ?? '';
  } else if (entry.scope === 'folder') {
    location = entry.folderUri ?? '';
  }
  return {
    scope: entry.scope,
    location,
    name: entry.config.name.toLowerCase(),
    host: entry.config.host.toLowerCase(),
    port: entry.config.port,
  };
}

/** Serialises an identity into a storage key with a prefix, e.g. `devicePush.token/…`. */
export function identityKey(prefix: string, identity: DefinitionIdentity): string {
  const { scope, location, name, host, port } = identity;
  return `${prefix}${JSON.stringify([scope, location, name, host, port])}`;
}
