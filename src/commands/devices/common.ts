import * as vscode from 'vscode';
import { DeviceSetupError } from '../../devices/errors';
import { DeviceWriteError } from '../../devices/writer';
import type { Services } from '../../services';
import { showError } from '../../ui';

export const SHOW_LOG = 'Show Log';

/**
 * Registers a command whose failures are logged and reported as a toast, so no exception reaches
 * VS Code. Errors that carry a user message (`DeviceSetupError`, `DeviceWriteError`) show it;
 * others show a short line and keep the details in the log.
 */
export function registerDeviceCommand(
  services: Services,
  id: string,
  title: string,
  handler: (...args: unknown[]) => Promise<unknown>,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (error) {
      reportFailure(services, title, error);
      return undefined;
    }
  });
}

export function reportFailure(services: Services, title: string, error: unknown): void {
  const known = error instanceof DeviceSetupError || error instanceof DeviceWriteError;
  if (known) {
    services.log.error(`${title}: ${error.message}`);
  } else {
    services.log.error(`${title} failed`, error);
  }
  const text = known ? error.message : `${title} failed unexpectedly. The log has the details.`;
  void showError(text, SHOW_LOG).then((choice) => {
    if (choice === SHOW_LOG) {
      services.log.show();
    }
  });
}
