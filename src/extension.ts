import * as vscode from 'vscode';
import { DeviceRegistry } from './devices/registry';
import type { Services } from './services';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Device Push', { log: true });
  context.subscriptions.push(log);
  log.info(
    `Device Push ${extensionVersion(context)} activated ` +
      `(VS Code ${vscode.version}, ${vscode.env.remoteName ?? 'local'}, ` +
      `workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`,
  );

  const registry = new DeviceRegistry(log);
  context.subscriptions.push(registry);

  const services: Services = { context, log, registry };
  context.subscriptions.push(
    vscode.commands.registerCommand('devicePush.showLog', () => log.show()),
  );
  void services;
}

export function deactivate(): void {}

function extensionVersion(context: vscode.ExtensionContext): string {
  const manifest = context.extension.packageJSON as { version?: string };
  return manifest.version ?? 'unknown';
}
