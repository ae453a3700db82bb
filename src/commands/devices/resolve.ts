import * as vscode from 'vscode';
import { resolveDevices, type DeviceNodeLike, type ResolveOptions } from '../deviceArgs';
import type { DeviceEntry } from '../../devices/merge';
import { scopeLabel } from '../../devices/merge';
import type { Services } from '../../services';
import { showError } from '../../ui';

export interface DeviceArgOptions extends ResolveOptions {
  /** Also accept entries with invalid settings (Edit and Remove work on them). */
  allowInvalid?: boolean;
}

/**
 * Resolves the device arguments of a device command with `resolveDevices`, adding two rules:
 * an object that names no device (for example `{}`) is rejected with a message instead of
 * opening a picker, and with `allowInvalid` invalid entries are accepted from every entry point.
 * Returns undefined when cancelled or already reported.
 */
export async function resolveDeviceArgs(
  services: Services,
  args: readonly unknown[],
  options: DeviceArgOptions,
): Promise<DeviceEntry[] | undefined> {
  const [first, second] = args;
  if (isPlainObject(first) && !isNode(first) && !('device' in first) && !('devices' in first)) {
    void showError(
      `${options.action}: the argument names no device. ` +
        'Pass a device name, { "device": "name" } or { "devices": ["name", …] }.',
    );
    return undefined;
  }
  if (!options.allowInvalid) {
    return resolveDevices(services, args, options);
  }
  const nodes = Array.isArray(second) && second.length > 0 && second.every(isNode) ? second : [];
  if (nodes.length === 0 && isNode(first)) {
    nodes.push(first);
  }
  if (nodes.length > 0) {
    return byIds(services, nodes, options);
  }
  const names = namesOf(first);
  if (names) {
    const entries = names.map((name) => findAny(services, name));
    if (entries.every((entry) => entry !== undefined)) {
      return unique(entries);
    }
    return resolveDevices(services, args, options);
  }
  if (first === undefined) {
    return pickAnyEntry(services, options);
  }
  return resolveDevices(services, args, options);
}

function byIds(
  services: Services,
  nodes: readonly DeviceNodeLike[],
  options: DeviceArgOptions,
): DeviceEntry[] | undefined {
  const entries = nodes.map((node) => services.registry.byId(node.entryId));
  if (entries.some((entry) => entry === undefined)) {
    void showError(
      `${options.action}: that device is no longer in settings. Refresh the Devices view.`,
    );
    return undefined;
  }
  return unique(entries as DeviceEntry[]);
}

/** A valid device by name, else an invalid entry whose label is that name. */
function findAny(services: Services, name: string): DeviceEntry | undefined {
  const key = name.trim().toLowerCase();
  return (
    services.registry.find(name) ??
    services.registry.all().find((entry) => entry.label.toLowerCase() === key)
  );
}

function namesOf(value: unknown): string[] | undefined {
  if (typeof value === 'string') {
    return [value];
  }
  if (isPlainObject(value)) {
    const names = value.devices ?? [value.device];
    if (Array.isArray(names) && names.length > 0 && names.every((n) => typeof n === 'string')) {
      return names;
    }
  }
  return undefined;
}

interface EntryPickItem extends vscode.QuickPickItem {
  entry: DeviceEntry;
}

/** Picker over every entry, invalid ones included, for Edit and Remove from the palette. */
async function pickAnyEntry(
  services: Services,
  options: DeviceArgOptions,
): Promise<DeviceEntry[] | undefined> {
  const entries = services.registry.all();
  if (entries.length === 0) {
    void showError(`${options.action}: no device is set up yet. Run "Device Push: Add Device".`);
    return undefined;
  }
  const items: EntryPickItem[] = entries.map((entry) => ({
    label: entry.label,
    description: entry.config
      ? `${entry.config.host}:${entry.config.port} · ${scopeLabel(entry)}`
      : `invalid · ${scopeLabel(entry)}`,
    ...(entry.config ? {} : { detail: entry.problems.join(' ') }),
    entry,
  }));
  if (options.multi) {
    const picked = await vscode.window.showQuickPick(items, {
      placeHolder: options.placeHolder,
      canPickMany: true,
      ignoreFocusOut: true,
    });
    return picked && picked.length > 0 ? picked.map((item) => item.entry) : undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: options.placeHolder,
    ignoreFocusOut: true,
  });
  return picked ? [picked.entry] : undefined;
}

function unique(entries: readonly DeviceEntry[]): DeviceEntry[] {
  return [...new Map(entries.map((entry) => [entry.id, entry])).values()];
}

function isNode(value: unknown): value is DeviceNodeLike {
  return isPlainObject(value) && typeof value.entryId === 'string';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
