import * as vscode from 'vscode';
import { DEVICES_KEY, SECTION } from '../devices/registry';
import {
  LOCAL_RECEIVER_FRAMING,
  LOCAL_RECEIVER_HOST,
  LocalReceiverController,
  type LocalReceiverStart,
} from '../receiver/controller';
import type { Services } from '../services';
import { showError, showInfo } from '../ui';

/** Name of the device that points at the local receiver. */
export const LOCAL_DEVICE_NAME = 'This computer';
/** Names tried, in order, when a workspace already uses `LOCAL_DEVICE_NAME` for another device. */
const FALLBACK_DEVICE_NAMES = ['Local receiver', 'Local receiver 2', 'Local receiver 3'];
const PORT_KEY = 'localReceiver.port';
const RUNNING_CONTEXT_KEY = 'devicePush.receiverRunning';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
/** Fields that would make sends to the local receiver fail or stop: it speaks plain TCP. */
const CONFLICTING_FIELDS = ['tls', 'tlsCaFile', 'tlsFingerprint', 'ackText', 'enabled'];

/** Arguments of `devicePush.startReceiver` from a keybinding, another extension or a test. */
export interface StartReceiverArgs {
  /** Port to listen on; `devicePush.localReceiver.port` when absent. 0 lets the system choose. */
  port?: number;
  /** Add or update the local device in user settings without asking. */
  addDevice?: boolean;
}

/** Address returned by `devicePush.startReceiver`. */
export interface ReceiverAddress {
  host: string;
  port: number;
}

/**
 * Registers the Start and Stop Local Receiver commands, the `devicePush.receiverRunning` context
 * key and a status bar item shown while the receiver runs. Returns the controller, which the
 * extension stops on deactivation through `context.subscriptions`.
 */
export function registerReceiver(services: Services): LocalReceiverController {
  const { context, log } = services;
  const controller = new LocalReceiverController({
    log,
    present: (text) => void showInfo(text),
  });
  const statusItem = vscode.window.createStatusBarItem(
    'devicePush.localReceiver',
    vscode.StatusBarAlignment.Right,
  );
  statusItem.name = 'Device Push Local Receiver';
  statusItem.command = 'devicePush.stopReceiver';

  context.subscriptions.push(
    statusItem,
    controller.onDidChangeState((running) => {
      void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT_KEY, running);
      updateStatusItem(statusItem, controller);
    }),
    controller,
    vscode.commands.registerCommand('devicePush.startReceiver', (args?: unknown) =>
      startCommand(services, controller, args),
    ),
    vscode.commands.registerCommand('devicePush.stopReceiver', () =>
      stopCommand(services, controller),
    ),
  );
  void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT_KEY, false);
  return controller;
}

function updateStatusItem(item: vscode.StatusBarItem, controller: LocalReceiverController): void {
  const address = controller.address;
  if (!address) {
    item.hide();
    return;
  }
  item.text = `$(radio-tower) ${address.port}`;
  item.tooltip = `Device Push local receiver on ${address.host}:${address.port}. Click to stop it.`;
  item.show();
}

async function startCommand(
  services: Services,
  controller: LocalReceiverController,
  rawArgs: unknown,
): Promise<ReceiverAddress | undefined> {
  const args = parseStartArgs(rawArgs);
  if (!args) {
    void showError(
      `Start Local Receiver: unexpected argument ${JSON.stringify(rawArgs)}. ` +
        'Pass { "port": 7878 } or no argument.',
    );
    return undefined;
  }
  const port = args.port ?? configuredPort();
  let started: LocalReceiverStart;
  try {
    started = await controller.start(port);
  } catch (error) {
    reportStartFailure(services, port, error);
    return undefined;
  }
  const address = { host: started.host, port: started.port };
  if (started.alreadyRunning) {
    void showInfo(`The local receiver already listens on ${started.host}:${started.port}.`);
    return address;
  }
  try {
    await connectDevice(services, started, args.addDevice === true);
  } catch (error) {
    reportDeviceFailure(services, error);
  }
  return address;
}

async function stopCommand(
  services: Services,
  controller: LocalReceiverController,
): Promise<boolean> {
  try {
    const stopped = await controller.stop();
    const text = stopped ? 'Local receiver stopped.' : 'The local receiver is not running.';
    vscode.window.setStatusBarMessage(text, 3000);
    return stopped;
  } catch (error) {
    services.log.error(`Local receiver: stopping failed: ${String(error)}`);
    void showError('Could not stop the local receiver.', 'Show Log').then(
      (choice) => choice && services.log.show(),
    );
    return false;
  }
}

function parseStartArgs(value: unknown): StartReceiverArgs | undefined {
  if (value === undefined || value === null) {
    return {};
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    return undefined;
  }
  const { port, addDevice } = value as Record<string, unknown>;
  const portValid =
    port === undefined || (Number.isInteger(port) && Number(port) >= 0 && Number(port) <= 65535);
  if (!portValid || (addDevice !== undefined && typeof addDevice !== 'boolean')) {
    return undefined;
  }
  return { port: port as number | undefined, addDevice: addDevice };
}

function configuredPort(): number {
  return vscode.workspace.getConfiguration(SECTION).get<number>(PORT_KEY) ?? 0;
}

function reportStartFailure(services: Services, port: number, error: unknown): void {
  const reason = error instanceof Error ? error.message : String(error);
  services.log.error(
    `Local receiver: could not start on ${LOCAL_RECEIVER_HOST}:${port}. ${reason}`,
  );
  // Only a failure to listen is about the port; anything else (such as a broken installation)
  // is shown as it is, with the log.
  if ((error as { code?: unknown } | undefined)?.code !== 'listen-failed') {
    void showError(`Could not start the local receiver: ${reason}`, 'Show Log').then(
      (choice) => choice && services.log.show(),
    );
    return;
  }
  void showError(
    `Could not start the local receiver. ${reason} ` +
      'The port is the setting Device Push: Local Receiver Port; 0 takes any free port.',
    'Open Settings',
  ).then((choice) => {
    if (choice) {
      void vscode.commands.executeCommand(
        'workbench.action.openSettings',
        `${SECTION}.${PORT_KEY}`,
      );
    }
  });
}

function reportDeviceFailure(services: Services, error: unknown): void {
  services.log.error(
    `Local receiver: could not save the device in user settings: ${String(error)}`,
  );
  void showError(
    `Could not add "${LOCAL_DEVICE_NAME}" to your user settings. ` +
      'Add it by hand under devicePush.devices; the log has the details.',
    'Show Log',
  ).then((choice) => choice && services.log.show());
}

/**
 * Tells where the receiver listens and, when no device points at it, offers to add or update
 * the local device in user settings. With `addWithoutAsking`, it saves the device before
 * returning. Otherwise it returns at once and handles the answer when the user gives one.
 */
async function connectDevice(
  services: Services,
  started: LocalReceiverStart,
  addWithoutAsking: boolean,
): Promise<void> {
  const where = `${started.host}:${started.port}`;
  const fallback = started.fellBack ? ` (port ${started.requestedPort} is in use)` : '';
  const pointing = services.registry
    .valid()
    .find((entry) => entry.config && isLocalTarget(entry.config, started.port));
  if (pointing) {
    void showInfo(
      `Local receiver listening on ${where}${fallback}. ` +
        `Send a notification to "${pointing.label}" to see it here.`,
    );
    return;
  }
  const name = pickDeviceName(services);
  if (addWithoutAsking) {
    await saveLocalDevice(name, started.port);
    services.log.info(`Local receiver: saved device "${name}" for ${where} in user settings.`);
    return;
  }
  const existing = userDevices().some((entry) => hasName(entry, name));
  const action = existing ? 'Update Device' : 'Add Device';
  const question = existing
    ? `Device "${name}" points elsewhere. Point it at the receiver?`
    : `Add it as device "${name}" in your user settings?`;
  void showInfo(`Local receiver listening on ${where}${fallback}. ${question}`, action)
    .then(async (choice) => {
      if (choice !== action) {
        return;
      }
      try {
        await saveLocalDevice(name, started.port);
      } catch (error) {
        reportDeviceFailure(services, error);
        return;
      }
      services.log.info(`Local receiver: saved device "${name}" for ${where} in user settings.`);
      await offerFirstSend(name);
    })
    .then(undefined, (error: unknown) => {
      services.log.error(`Local receiver: the first send to "${name}" failed: ${String(error)}`);
    });
}

async function offerFirstSend(name: string): Promise<void> {
  const choice = await showInfo(
    `Device "${name}" now points at the local receiver.`,
    'Send Notification',
  );
  if (choice) {
    await vscode.commands.executeCommand('devicePush.sendNotification', { device: name });
  }
}

function isLocalTarget(config: { host: string; port: number; framing: string }, port: number) {
  return (
    LOOPBACK_HOSTS.has(config.host.toLowerCase()) &&
    config.port === port &&
    config.framing === LOCAL_RECEIVER_FRAMING
  );
}

/**
 * `LOCAL_DEVICE_NAME`, unless a workspace or folder defines a device of that name, which would
 * hide a user device of the same name.
 */
function pickDeviceName(services: Services): string {
  for (const name of [LOCAL_DEVICE_NAME, ...FALLBACK_DEVICE_NAMES]) {
    const entry = services.registry.find(name);
    if (!entry || entry.scope === 'user') {
      return name;
    }
  }
  return `${LOCAL_DEVICE_NAME} (${Date.now()})`;
}

function userDevices(): unknown[] {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<unknown>(DEVICES_KEY);
  const value = inspected?.globalValue;
  return Array.isArray(value) ? [...(value as unknown[])] : [];
}

function hasName(entry: unknown, name: string): boolean {
  if (typeof entry !== 'object' || entry === null) {
    return false;
  }
  const entryName = (entry as { name?: unknown }).name;
  return typeof entryName === 'string' && entryName.toLowerCase() === name.toLowerCase();
}

/** Adds the device to user settings, or points the user device of that name at `port`. */
async function saveLocalDevice(name: string, port: number): Promise<void> {
  const devices = userDevices();
  const index = devices.findIndex((entry) => hasName(entry, name));
  const base: Record<string, unknown> =
    index >= 0 ? { ...(devices[index] as Record<string, unknown>) } : {};
  for (const field of CONFLICTING_FIELDS) {
    delete base[field];
  }
  const device = {
    ...base,
    name,
    host: LOCAL_RECEIVER_HOST,
    port,
    framing: LOCAL_RECEIVER_FRAMING,
    ack: true,
  };
  if (index >= 0) {
    devices[index] = device;
  } else {
    devices.push(device);
  }
  await vscode.workspace
    .getConfiguration(SECTION)
    .update(DEVICES_KEY, devices, vscode.ConfigurationTarget.Global);
}
