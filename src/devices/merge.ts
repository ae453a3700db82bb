/**
 * Merging of device lists from several settings scopes. Pure, so unit tests run without VS Code.
 *
 * Rule: lists are read from user, workspace and workspace-folder settings. When two scopes define
 * the same name, the most specific one wins (folder over workspace over user) and the others are
 * reported as shadowed. Two entries with the same name in one scope are both shown, and the later
 * one is invalid with a "duplicate name" problem. Names compare case-insensitively.
 */

import { validateDeviceEntry, type DeviceConfig } from './schema';

export type DeviceScope = 'user' | 'workspace' | 'folder';

/** Specificity of a scope: a higher number wins a name clash. */
const SCOPE_RANK: Record<DeviceScope, number> = { user: 0, workspace: 1, folder: 2 };

/** One device list as read from one scope. */
export interface ScopedList {
  scope: DeviceScope;
  /** Folder URI, as a string, for the `folder` scope. */
  folderUri?: string;
  /** Folder name for labels. */
  folderName?: string;
  entries: unknown;
}

/** One entry of the merged list: a valid device or an invalid entry with its problems. */
export interface DeviceEntry {
  /** Stable id of this definition: scope, folder and position in its list. */
  id: string;
  /** Name as written, or `entry N` for an entry without one. */
  label: string;
  scope: DeviceScope;
  folderUri?: string;
  folderName?: string;
  /** Position in its scope's own list, for edits and removal. */
  index: number;
  config?: DeviceConfig;
  problems: string[];
  /** Ids of the definitions in less specific scopes that this one hides. */
  shadows: string[];
}

export function entryId(scope: DeviceScope, index: number, folderUri?: string): string {
  return folderUri ? `${scope}:${folderUri}#${index}` : `${scope}#${index}`;
}

/** Merges scoped lists into the list that the tree shows and the sender uses. */
export function mergeDeviceLists(lists: readonly ScopedList[]): DeviceEntry[] {
  const ordered = [...lists].sort((a, b) => SCOPE_RANK[b.scope] - SCOPE_RANK[a.scope]);
  const winners = new Map<string, DeviceEntry>();
  const result: DeviceEntry[] = [];

  for (const list of ordered) {
    if (list.entries === undefined) {
      continue;
    }
    const seenInScope = new Set<string>();
    const items: unknown[] = Array.isArray(list.entries) ? list.entries : [];
    if (!Array.isArray(list.entries)) {
      result.push({
        id: entryId(list.scope, -1, list.folderUri),
        label: `${list.scope} settings`,
        scope: list.scope,
        ...folderOf(list),
        index: -1,
        problems: ['"devicePush.devices" is not a list: write an array of device objects.'],
        shadows: [],
      });
    }
    items.forEach((raw, index) => {
      const validation = validateDeviceEntry(raw);
      const name = validation.ok ? validation.config.name : validation.name;
      const entry: DeviceEntry = {
        id: entryId(list.scope, index, list.folderUri),
        label: name ?? `entry ${index + 1}`,
        scope: list.scope,
        ...folderOf(list),
        index,
        problems: validation.ok ? [] : [...validation.problems],
        shadows: [],
      };
      if (validation.ok) {
        entry.config = validation.config;
      }
      const key = name?.toLowerCase();
      if (key !== undefined) {
        const winner = winners.get(key);
        if (seenInScope.has(key)) {
          entry.problems.push(`Duplicate name "${name}": another device in this list has it.`);
          delete entry.config;
        } else if (winner && winner.scope !== list.scope) {
          winner.shadows.push(entry.id);
          seenInScope.add(key);
          return;
        } else if (winner) {
          entry.problems.push(`Duplicate name "${name}": folder "${winner.folderName}" has it.`);
          delete entry.config;
        } else {
          winners.set(key, entry);
        }
        seenInScope.add(key);
      }
      result.push(entry);
    });
  }
  return result.sort((a, b) => SCOPE_RANK[a.scope] - SCOPE_RANK[b.scope] || a.index - b.index);
}

function folderOf(list: ScopedList): Pick<DeviceEntry, 'folderUri' | 'folderName'> {
  return {
    ...(list.folderUri ? { folderUri: list.folderUri } : {}),
    ...(list.folderName ? { folderName: list.folderName } : {}),
  };
}

/** Names the settings an entry comes from, e.g. `User settings` or `Folder "api" settings`. */
export function scopeLabel(entry: Pick<DeviceEntry, 'scope' | 'folderName' | 'folderUri'>): string {
  switch (entry.scope) {
    case 'user':
      return 'User settings';
    case 'workspace':
      return 'Workspace settings';
    case 'folder':
      return `Folder "${entry.folderName ?? entry.folderUri ?? '?'}" settings`;
  }
}

/** Finds the valid device with this name, compared case-insensitively. */
export function findDevice(entries: readonly DeviceEntry[], name: string): DeviceEntry | undefined {
  const key = name.trim().toLowerCase();
  return entries.find((entry) => entry.config && entry.config.name.toLowerCase() === key);
}
