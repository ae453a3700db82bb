import type * as vscode from 'vscode';
import { TokenUnavailableError } from './errors';
import { definitionIdentity, identityKey } from './identity';
import { scopeLabel, type DeviceEntry } from './merge';
import { workspaceId } from './registry';

const TOKEN_KEY_PREFIX = 'devicePush.token/';

/**
 * Device tokens in VS Code's SecretStorage, bound to one device definition (scope, defining
 * workspace or folder, name, host and port), so a workspace device with the same name never
 * receives a user device's token, and a token does not follow a device to a new address.
 * Tokens are never written to settings or to the log.
 *
 * Every method throws `TokenUnavailableError` when SecretStorage itself fails. Callers that send
 * must stop then instead of sending without the token.
 */
export class DeviceTokens {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
    private readonly currentWorkspaceId: () => string | undefined = workspaceId,
  ) {}

  /** Returns the token of this definition, or undefined when none is set or the entry is invalid. */
  async get(entry: DeviceEntry): Promise<string | undefined> {
    const key = this.keyOf(entry);
    if (!key) {
      return undefined;
    }
    try {
      return await this.secrets.get(key);
    } catch (error) {
      throw this.failure(entry, 'read', error);
    }
  }

  async has(entry: DeviceEntry): Promise<boolean> {
    return (await this.get(entry)) !== undefined;
  }

  /** Stores a token for a valid entry. An empty token is rejected: use `delete`. */
  async set(entry: DeviceEntry, token: string): Promise<void> {
    const key = this.keyOf(entry);
    if (!key) {
      throw new Error(`Device "${entry.label}" has invalid settings, so it cannot have a token.`);
    }
    if (token === '') {
      throw new Error(`The token of device "${entry.label}" is empty: delete the token instead.`);
    }
    try {
      await this.secrets.store(key, token);
    } catch (error) {
      throw this.failure(entry, 'write', error);
    }
    this.log.info(`Stored the token of device "${entry.label}" (${scopeLabel(entry)}).`);
  }

  /** Deletes the token of this definition; does nothing when there is none. */
  async delete(entry: DeviceEntry): Promise<void> {
    const key = this.keyOf(entry);
    if (!key) {
      return;
    }
    try {
      await this.secrets.delete(key);
    } catch (error) {
      throw this.failure(entry, 'delete', error);
    }
    this.log.info(`Deleted the token of device "${entry.label}" (${scopeLabel(entry)}).`);
  }

  private keyOf(entry: DeviceEntry): string | undefined {
    const identity = definitionIdentity(entry, this.currentWorkspaceId());
    return identity ? identityKey(TOKEN_KEY_PREFIX, identity) : undefined;
  }

  private failure(
    entry: DeviceEntry,
    operation: 'read' | 'write' | 'delete',
    error: unknown,
  ): TokenUnavailableError {
    const failure = new TokenUnavailableError(entry.label, operation, error);
    this.log.error(failure.message);
    return failure;
  }
}
