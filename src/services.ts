import type * as vscode from 'vscode';
import type { DeviceRegistry } from './devices/registry';

/**
 * Long-lived objects created once in `activate()` and handed to every feature.
 * Each feature module adds what it owns here.
 */
export interface Services {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  registry: DeviceRegistry;
}
