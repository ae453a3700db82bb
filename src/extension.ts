import * as vscode from 'vscode';
import { createSendApi, type SendApi } from './api';
import { registerSendNotification } from './commands/sendNotification';
import { registerSendSelection } from './commands/sendSelection';
import { registerDeviceCommands } from './commands/devices';
import { registerReceiver } from './commands/receiver';
import { createDevicesApi, type DevicesApi } from './devices/api';
import { DeviceApprovals } from './devices/approval';
import { PendingCounts } from './devices/pending';
import { DeviceRegistry } from './devices/registry';
import { DeviceStates } from './devices/state';
import { buildTarget } from './devices/targets';
import { DeviceTokens } from './devices/tokens';
import { registerOutbox, type OutboxApi } from './outbox';
import type { LocalReceiverController } from './receiver/controller';
import type { Services } from './services';
import { SendService } from './sending/service';
import { registerStatusBar } from './statusBar';
import { registerTaskNotifications } from './tasks/notifier';
import { registerDevicesView } from './views/devicesView';

/**
 * Returned by `activate()` for integration tests: `localReceiver.showWith()` captures what the
 * local receiver would show.
 */
export interface DevicePushApi extends SendApi {
  localReceiver: LocalReceiverController;
  /** The device list and the Devices view; see `src/devices/api.ts`. */
  devices: DevicesApi;
  /** Test hooks of the outbox; see `src/outbox/testing.ts`. */
  outbox: OutboxApi;
}

export function activate(context: vscode.ExtensionContext): DevicePushApi {
  const log = vscode.window.createOutputChannel('Device Push', { log: true });
  context.subscriptions.push(log);
  log.info(
    `Device Push ${extensionVersion(context)} activated ` +
      `(VS Code ${vscode.version}, ${vscode.env.remoteName ?? 'local'}, ` +
      `workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`,
  );

  const registry = new DeviceRegistry(log);
  context.subscriptions.push(registry);

  const tokens = new DeviceTokens(context.secrets, log);
  const approvals = new DeviceApprovals(context.globalState);
  const states = new DeviceStates(registry);
  const pending = new PendingCounts();
  context.subscriptions.push(states, pending);

  const sending = new SendService({ log, registry, approvals, states }, (entry) =>
    buildTarget(services, entry),
  );
  context.subscriptions.push(sending);

  const services: Services = {
    context,
    log,
    registry,
    tokens,
    approvals,
    states,
    pending,
    sending,
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('devicePush.showLog', () => log.show()),
  );
  const outbox = registerOutbox(services);
  const localReceiver = registerReceiver(services);
  const devicesView = registerDevicesView(services);
  registerDeviceCommands(services);
  const devices = createDevicesApi(services, devicesView);
  registerSendNotification(services);
  registerSendSelection(services);
  registerTaskNotifications(services);
  registerStatusBar(services);
  void services;
  return { ...createSendApi(services), localReceiver, devices, outbox };
}

export function deactivate(): void {}

function extensionVersion(context: vscode.ExtensionContext): string {
  const manifest = context.extension.packageJSON as { version?: string };
  return manifest.version ?? 'unknown';
}
