import * as vscode from 'vscode';
import { scopeLabel, type DeviceEntry, type DeviceScope } from './merge';
import { DEFAULT_DEVICE_KEY, DEVICES_KEY, SECTION } from './registry';
import { validateDeviceEntry } from './schema';

/**
 * Changes to `devicePush.devices` in one scope. Each change reads that scope's own list with
 * `inspect()`, edits it and writes it back to the same scope, so a write never copies devices
 * from other scopes into it. Writes run one after another, so two quick edits cannot lose one.
 */

/** The settings a write goes to. `folderUri` is required for `folder`. */
export interface ScopeTarget {
  scope: DeviceScope;
  folderUri?: string;
  folderName?: string;
}

export type DeviceWriteErrorCode =
  | 'no-workspace'
  | 'no-folder'
  | 'not-a-list'
  | 'invalid-device'
  | 'duplicate-name'
  | 'entry-changed';

export class DeviceWriteError extends Error {
  readonly stage = 'write-settings';

  constructor(
    readonly code: DeviceWriteErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DeviceWriteError';
  }
}

let queue: Promise<unknown> = Promise.resolve();

function serialized<T>(work: () => Promise<T>): Promise<T> {
  const next = queue.then(work, work);
  queue = next.catch(() => undefined);
  return next;
}

/** The target for an entry: the scope (and folder) that defines it. */
export function targetOf(entry: DeviceEntry): ScopeTarget {
  return {
    scope: entry.scope,
    ...(entry.folderUri ? { folderUri: entry.folderUri } : {}),
    ...(entry.folderName ? { folderName: entry.folderName } : {}),
  };
}

/**
 * Appends a device to the target's own list after validating it. Throws `DeviceWriteError` when
 * the target cannot be written or the list already has a device with that name.
 */
export function addDevice(target: ScopeTarget, device: Record<string, unknown>): Promise<void> {
  return serialized(async () => {
    const validation = validateDeviceEntry(device);
    const label = typeof device.name === 'string' ? device.name : 'new device';
    if (!validation.ok) {
      throw new DeviceWriteError(
        'invalid-device',
        `Device "${label}" was not added: ${validation.problems.join(' ')}`,
      );
    }
    const list = readOwnList(target);
    const key = validation.config.name.toLowerCase();
    if (list.some((item) => nameOf(item)?.toLowerCase() === key)) {
      throw new DeviceWriteError(
        'duplicate-name',
        `${scopeLabel(target)} already have a device named "${validation.config.name}". ` +
          'Choose another name or edit that device.',
      );
    }
    await writeOwnList(target, [...list, device]);
  });
}

/** Replaces an entry with the result of `change`, in the scope that defines it. */
export function updateDevice(
  entry: DeviceEntry,
  change: (device: Record<string, unknown>) => Record<string, unknown>,
): Promise<void> {
  return serialized(async () => {
    const target = targetOf(entry);
    const list = readOwnList(target);
    const index = locate(list, entry);
    const current = list[index];
    const base = typeof current === 'object' && current !== null ? current : {};
    const next = [...list];
    next[index] = change({ ...(base as Record<string, unknown>) });
    await writeOwnList(target, next);
  });
}

/**
 * Removes entries, each from the scope that defines it. An entry for a setting that is not a list
 * (index -1) removes the whole setting from that scope.
 */
export function removeDevices(entries: readonly DeviceEntry[]): Promise<void> {
  return serialized(async () => {
    const byTarget = new Map<string, DeviceEntry[]>();
    for (const entry of entries) {
      const key = `${entry.scope}|${entry.folderUri ?? ''}`;
      byTarget.set(key, [...(byTarget.get(key) ?? []), entry]);
    }
    for (const group of byTarget.values()) {
      const target = targetOf(group[0]);
      if (group.some((entry) => entry.index < 0)) {
        await writeRaw(target, undefined);
        continue;
      }
      const list = readOwnList(target);
      const indexes = new Set(group.map((entry) => locate(list, entry)));
      await writeOwnList(
        target,
        list.filter((_item, index) => !indexes.has(index)),
      );
    }
  });
}

/** Writes `devicePush.defaultDevice` in the scope that defines the device. */
export function writeDefaultDevice(entry: DeviceEntry): Promise<void> {
  return serialized(async () => {
    const target = targetOf(entry);
    const { configuration, configurationTarget } = open(target);
    await configuration.update(DEFAULT_DEVICE_KEY, entry.label, configurationTarget);
  });
}

/** Returns the target's own list (empty when unset). Throws when it is set but not a list. */
export function readOwnList(target: ScopeTarget): unknown[] {
  const value = readRaw(target);
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw new DeviceWriteError(
      'not-a-list',
      `"${SECTION}.${DEVICES_KEY}" in ${scopeLabel(target)} is not a list. ` +
        'Fix it in settings.json, then try again.',
    );
  }
  return value;
}

function readRaw(target: ScopeTarget): unknown {
  const { configuration } = open(target);
  const inspected = configuration.inspect<unknown>(DEVICES_KEY);
  switch (target.scope) {
    case 'user':
      return inspected?.globalValue;
    case 'workspace':
      return inspected?.workspaceValue;
    case 'folder':
      return inspected?.workspaceFolderValue;
  }
}

async function writeOwnList(target: ScopeTarget, list: unknown[]): Promise<void> {
  // An empty list removes the setting, so settings.json keeps no empty leftover.
  await writeRaw(target, list.length > 0 ? list : undefined);
}

async function writeRaw(target: ScopeTarget, value: unknown): Promise<void> {
  const { configuration, configurationTarget } = open(target);
  await configuration.update(DEVICES_KEY, value, configurationTarget);
}

function open(target: ScopeTarget): {
  configuration: vscode.WorkspaceConfiguration;
  configurationTarget: vscode.ConfigurationTarget;
} {
  switch (target.scope) {
    case 'user':
      return {
        configuration: vscode.workspace.getConfiguration(SECTION),
        configurationTarget: vscode.ConfigurationTarget.Global,
      };
    case 'workspace':
      if (!vscode.workspace.workspaceFolders?.length && !vscode.workspace.workspaceFile) {
        throw new DeviceWriteError(
          'no-workspace',
          'No folder or workspace is open, so there are no workspace settings. Use user settings.',
        );
      }
      return {
        configuration: vscode.workspace.getConfiguration(SECTION),
        configurationTarget: vscode.ConfigurationTarget.Workspace,
      };
    case 'folder': {
      const folder = target.folderUri
        ? vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(target.folderUri))
        : undefined;
      if (!folder) {
        throw new DeviceWriteError(
          'no-folder',
          `${scopeLabel(target)} cannot be written: that folder is not open in this window.`,
        );
      }
      return {
        configuration: vscode.workspace.getConfiguration(SECTION, folder.uri),
        configurationTarget: vscode.ConfigurationTarget.WorkspaceFolder,
      };
    }
  }
}

/** Finds the entry's position in its own list, checking that the list did not change since. */
function locate(list: readonly unknown[], entry: DeviceEntry): number {
  const atIndex = list[entry.index];
  if (entry.index >= 0 && labelAt(atIndex, entry.index) === entry.label) {
    return entry.index;
  }
  const key = entry.label.toLowerCase();
  const matches = list
    .map((item, index) => ({ item, index }))
    .filter(({ item }) => nameOf(item)?.toLowerCase() === key);
  if (matches.length === 1) {
    return matches[0].index;
  }
  throw new DeviceWriteError(
    'entry-changed',
    `Device "${entry.label}" is no longer where it was in ${scopeLabel(entry)}. ` +
      'Refresh the Devices view and try again.',
  );
}

function nameOf(item: unknown): string | undefined {
  if (typeof item === 'object' && item !== null && 'name' in item) {
    const name = item.name;
    return typeof name === 'string' ? name.trim() : undefined;
  }
  return undefined;
}

function labelAt(item: unknown, index: number): string {
  return nameOf(item) || `entry ${index + 1}`;
}
