import type * as vscode from 'vscode';
import type { DeviceEntry } from './merge';

/**
 * Device tokens in VS Code's SecretStorage, bound to one device definition (scope, name, host
 * and port), so a workspace device with the same name never receives a user device's token.
 */
export class DeviceTokens {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  // TODO: implement with SecretStorage; this placeholder stores nothing.
  get(_entry: DeviceEntry): Promise<string | undefined> {
    void this.secrets;
    void this.log;
    return Promise.resolve(undefined);
  }
}
