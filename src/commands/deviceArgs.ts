import * as vscode from 'vscode';
import type { DeviceEntry } from '../devices/merge';
import type { Services } from '../services';
import { showError, showInfo } from '../ui';

const RECENT_DEVICES_KEY = 'devicePush.recentDevices';
const MAX_RECENT_DEVICES = 10;
/** Maximum length, in characters, of an argument quoted in a validation message. */
const MAX_QUOTED_ARGUMENT_CHARS = 80;

/** Tree elements carry the id of the definition they show. */
export interface DeviceNodeLike {
  entryId: string;
}

export interface ResolveOptions {
  /** Whether the picker allows several devices. */
  multi: boolean;
  /** Picker prompt, e.g. "Send to which device?". */
  placeHolder: string;
  /** Use the default device when the arguments name none, instead of opening the picker. */
  preferDefault?: boolean;
  /** Command title for messages, e.g. "Send Notification". */
  action: string;
}

function isDeviceNode(value: unknown): value is DeviceNodeLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<DeviceNodeLike>).entryId === 'string'
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns the arguments of any entry point into devices:
 * - tree: `(node, selectedNodes)`, where several selected items win over the clicked one;
 * - keybinding, task or another extension: `"name"`, `{ device: "name" }` or
 *   `{ devices: ["a", "b"] }`;
 * - palette: no argument, which opens a picker (or takes the default device when asked).
 * Returns undefined when the user cancelled or a message was already shown.
 */
export async function resolveDevices(
  services: Services,
  args: readonly unknown[],
  options: ResolveOptions,
): Promise<DeviceEntry[] | undefined> {
  const [first, second] = args;
  if (Array.isArray(second) && second.length > 0 && second.every(isDeviceNode)) {
    return checkUsable(
      services,
      second.map((node) => byId(services, node.entryId)),
      options,
    );
  }
  if (isDeviceNode(first)) {
    return checkUsable(services, [byId(services, first.entryId)], options);
  }
  if (typeof first === 'string') {
    return lookUpNames(services, [first], options);
  }
  if (isRecord(first) && (first.device !== undefined || first.devices !== undefined)) {
    const names = first.devices ?? [first.device];
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string')) {
      void showError(
        `${options.action}: "device" must be a device name and "devices" a list of names.`,
      );
      return undefined;
    }
    return lookUpNames(services, names, options);
  }
  if (first !== undefined && !isRecord(first)) {
    void showError(
      `${options.action}: unexpected argument ${quoteArgument(first)}. ` +
        'Pass a device name, { "device": "name" } or { "devices": ["name", …] }.',
    );
    return undefined;
  }
  if (options.preferDefault) {
    const fallback = services.registry.defaultDevice();
    if (fallback) {
      return checkUsable(services, [fallback], options);
    }
  }
  return pickDevices(services, options);
}

/**
 * Quotes a command argument for a message: its JSON text, cut to `MAX_QUOTED_ARGUMENT_CHARS`, or
 * its type when it has no JSON text (a function, a BigInt, a list that contains itself).
 */
function quoteArgument(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    return Array.isArray(value) ? 'of type list' : `of type ${typeof value}`;
  }
  return text.length > MAX_QUOTED_ARGUMENT_CHARS
    ? `${text.slice(0, MAX_QUOTED_ARGUMENT_CHARS - 1)}…`
    : text;
}

function byId(services: Services, id: string): DeviceEntry | undefined {
  return services.registry.all().find((entry) => entry.id === id);
}

function lookUpNames(
  services: Services,
  names: readonly string[],
  options: ResolveOptions,
): DeviceEntry[] | undefined {
  const missing = names.filter((name) => !services.registry.find(name));
  if (missing.length > 0) {
    const known = services.registry.valid().map((entry) => entry.label);
    const hint = known.length > 0 ? `Known devices: ${known.join(', ')}.` : 'No device is set up.';
    const quoted = missing.map((name) => `"${name}"`).join(', ');
    void showError(`${options.action}: no device named ${quoted}. ${hint}`);
    return undefined;
  }
  return checkUsable(
    services,
    names.map((name) => services.registry.find(name)),
    options,
  );
}

function checkUsable(
  services: Services,
  entries: readonly (DeviceEntry | undefined)[],
  options: ResolveOptions,
): DeviceEntry[] | undefined {
  if (entries.some((entry) => entry === undefined)) {
    void showError(
      `${options.action}: that device is no longer in settings. Refresh the Devices view.`,
    );
    return undefined;
  }
  const found = entries as DeviceEntry[];
  const invalid = found.find((entry) => !entry.config);
  if (invalid) {
    void showError(`Device "${invalid.label}" has invalid settings: ${invalid.problems.join(' ')}`);
    return undefined;
  }
  const unique = [...new Map(found.map((entry) => [entry.id, entry])).values()];
  void rememberRecent(services, unique);
  return unique;
}

async function rememberRecent(services: Services, entries: readonly DeviceEntry[]): Promise<void> {
  const names = entries.map((entry) => entry.label);
  const previous = services.context.workspaceState.get<string[]>(RECENT_DEVICES_KEY, []);
  const recent = [...names, ...previous.filter((name) => !names.includes(name))];
  await services.context.workspaceState.update(
    RECENT_DEVICES_KEY,
    recent.slice(0, MAX_RECENT_DEVICES),
  );
}

/** Valid devices ordered for pickers: the default first, then the most recently used. */
export function devicesInPickOrder(services: Services): DeviceEntry[] {
  const recent = services.context.workspaceState.get<string[]>(RECENT_DEVICES_KEY, []);
  const defaultName = services.registry.defaultDeviceName().toLowerCase();
  const rank = (entry: DeviceEntry): number => {
    if (entry.label.toLowerCase() === defaultName) {
      return -1;
    }
    const position = recent.indexOf(entry.label);
    return position === -1 ? recent.length : position;
  };
  return services.registry
    .valid()
    .map((entry, order) => ({ entry, order }))
    .sort((a, b) => rank(a.entry) - rank(b.entry) || a.order - b.order)
    .map(({ entry }) => entry);
}

interface DevicePickItem extends vscode.QuickPickItem {
  entry: DeviceEntry;
}

async function pickDevices(
  services: Services,
  options: ResolveOptions,
): Promise<DeviceEntry[] | undefined> {
  const candidates = devicesInPickOrder(services);
  if (candidates.length === 0) {
    const add = 'Add Device';
    const choice = await showInfo(`${options.action}: no device is set up yet.`, add);
    if (choice === add) {
      await vscode.commands.executeCommand('devicePush.addDevice');
    }
    return undefined;
  }
  const defaultName = services.registry.defaultDeviceName().toLowerCase();
  const items: DevicePickItem[] = candidates.map((entry) => {
    const config = entry.config!;
    const isDefault = entry.label.toLowerCase() === defaultName;
    return {
      label: entry.label,
      description: `${config.host}:${config.port} · ${config.framing}${isDefault ? ' · default' : ''}`,
      detail: config.enabled ? undefined : 'Turned off in settings',
      entry,
      picked: options.multi && isDefault,
    };
  });
  if (options.multi) {
    // TODO: Enter with nothing checked closes this picker without a word.
    const picked = await vscode.window.showQuickPick(items, {
      title: options.action,
      placeHolder: options.placeHolder,
      canPickMany: true,
      ignoreFocusOut: true,
    });
    return picked && picked.length > 0
      ? checkUsable(
          services,
          picked.map((item) => item.entry),
          options,
        )
      : undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: options.action,
    placeHolder: options.placeHolder,
    ignoreFocusOut: true,
  });
  return picked ? checkUsable(services, [picked.entry], options) : undefined;
}
