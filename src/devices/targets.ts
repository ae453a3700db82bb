import { homedir } from 'node:os';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { DeviceTarget } from '../sender/types';
import type { Services } from '../services';
import { readCaFile, resolveCaFilePath } from './caFile';
import { DeviceSetupError } from './errors';
import { scopeLabel, type DeviceEntry } from './merge';
import { toTarget, type DeviceConfig } from './schema';

export { CaFileError, DeviceSetupError, TokenUnavailableError } from './errors';

/**
 * Builds the sender's target for a device: its settings, its token from SecretStorage and the
 * PEM text of its `tlsCaFile`.
 *
 * Throws `DeviceSetupError` (code and stage set; `message` is for the user and names the device
 * and the next step) when the entry is invalid, when SecretStorage fails (`TokenUnavailableError`,
 * so nothing is ever sent without the token), or when the CA file cannot be resolved or read
 * (`CaFileError`).
 */
export async function buildTarget(services: Services, entry: DeviceEntry): Promise<DeviceTarget> {
  if (!entry.config) {
    throw new DeviceSetupError(
      'invalid-device',
      'settings',
      entry.label,
      `Device "${entry.label}" has invalid settings: ${entry.problems.join(' ')}`,
    );
  }
  const token = await services.tokens.get(entry);
  const caPem = await readDeviceCa(entry, entry.config);
  return toTarget(entry.config, {
    ...(token !== undefined ? { token } : {}),
    ...(caPem !== undefined ? { caPem } : {}),
  });
}

/**
 * Reads the CA file of a device with TLS and a `tlsCaFile`; returns undefined otherwise. Relative
 * paths start from the defining folder (folder settings), the workspace file's folder or the only
 * folder (workspace settings); user settings need an absolute path or `~`.
 */
export async function readDeviceCa(
  entry: Pick<DeviceEntry, 'scope' | 'folderUri' | 'folderName'>,
  config: DeviceConfig,
): Promise<string | undefined> {
  if (!config.tls || !config.tlsCaFile) {
    return undefined;
  }
  const baseDir = baseDirOf(entry);
  const path = resolveCaFilePath(config.name, config.tlsCaFile, {
    home: homedir(),
    scopeLabel: scopeLabel(entry),
    ...(baseDir ? { baseDir } : {}),
  });
  return readCaFile(config.name, config.tlsCaFile, path);
}

function baseDirOf(entry: Pick<DeviceEntry, 'scope' | 'folderUri'>): string | undefined {
  if (entry.scope === 'folder' && entry.folderUri) {
    const uri = vscode.Uri.parse(entry.folderUri);
    return uri.scheme === 'file' ? uri.fsPath : undefined;
  }
  if (entry.scope === 'workspace') {
    const file = vscode.workspace.workspaceFile;
    if (file?.scheme === 'file') {
      return dirname(file.fsPath);
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    return folder?.scheme === 'file' ? folder.fsPath : undefined;
  }
  return undefined;
}
