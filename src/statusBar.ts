import * as vscode from 'vscode';
import { DEFAULT_DEVICE_KEY, SECTION } from './devices/registry';
import type { Services } from './services';

const ITEM_ID = 'devicePush.status';
/** Places the item left of the local receiver's item, which uses the default priority. */
const ITEM_PRIORITY = 100;

/**
 * A status bar item that shows the default device (`$(broadcast) Pi`) and, while any send is
 * under way, `$(sync~spin) Sending…`. Clicking it opens Send Notification, whose picker lists
 * the default device first; that one flow also covers sending to another device. Without any
 * valid device it reads `$(broadcast) Device Push` and opens Add Device instead.
 */
export function registerStatusBar(services: Services): void {
  const item = vscode.window.createStatusBarItem(
    ITEM_ID,
    vscode.StatusBarAlignment.Right,
    ITEM_PRIORITY,
  );
  item.name = 'Device Push';
  const update = (): void => render(item, services);
  services.context.subscriptions.push(
    item,
    services.registry.onDidChange(update),
    services.sending.onDidChangeBusy(update),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.${DEFAULT_DEVICE_KEY}`)) {
        update();
      }
    }),
  );
  update();
  item.show();
}

function render(item: vscode.StatusBarItem, services: Services): void {
  if (services.sending.busy) {
    item.text = '$(sync~spin) Sending…';
    item.tooltip = 'Device Push is sending a notification.';
    item.command = undefined;
    return;
  }
  if (services.registry.valid().length === 0) {
    item.text = '$(broadcast) Device Push';
    item.tooltip = 'Add a device';
    item.command = 'devicePush.addDevice';
    return;
  }
  const fallback = services.registry.defaultDevice();
  item.text = `$(broadcast) ${fallback ? fallback.label : 'Device Push'}`;
  item.tooltip = fallback
    ? `Send a notification to "${fallback.label}" or another device`
    : 'Send a notification (no default device is set)';
  item.command = 'devicePush.sendNotification';
}
