/**
 * Resolution and reading of a device's `tlsCaFile`. Pure apart from file access (no `vscode`),
 * so unit tests run in plain Node.
 */

import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { CaFileError, causeText } from './errors';

/** Largest CA file read; a PEM bundle of a few hundred certificates stays below it. */
export const MAX_CA_FILE_BYTES = 1024 * 1024;

const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';
const WORKSPACE_FOLDER_VARIABLE = '${workspaceFolder}';

export interface CaPathContext {
  /** Home directory for a leading `~`. */
  home: string;
  /**
   * Folder that relative paths and `${workspaceFolder}` start from: the defining folder for
   * folder settings, the workspace for workspace settings, none for user settings.
   */
  baseDir?: string;
  /** Name of the settings that define the device, for messages, e.g. `User settings`. */
  scopeLabel: string;
}

/** Returns the absolute path of `file`, or throws `CaFileError` with code `ca-file-path`. */
export function resolveCaFilePath(device: string, file: string, context: CaPathContext): string {
  let path = file.trim();
  if (path === '~' || path.startsWith('~/') || path.startsWith('~\\')) {
    path = join(context.home, path.slice(1));
  } else if (path.startsWith(WORKSPACE_FOLDER_VARIABLE)) {
    if (!context.baseDir) {
      throw new CaFileError(
        'ca-file-path',
        device,
        file,
        `Device "${device}": "tlsCaFile" ${JSON.stringify(file)} uses ${WORKSPACE_FOLDER_VARIABLE}, ` +
          `but ${context.scopeLabel} belong to no folder. Use an absolute path or one starting with ~.`,
      );
    }
    path = join(context.baseDir, path.slice(WORKSPACE_FOLDER_VARIABLE.length));
  } else if (!isAbsolute(path)) {
    if (!context.baseDir) {
      throw new CaFileError(
        'ca-file-path',
        device,
        file,
        `Device "${device}": "tlsCaFile" ${JSON.stringify(file)} is a relative path, but ` +
          `${context.scopeLabel} belong to no folder. Use an absolute path or one starting with ~.`,
      );
    }
    path = join(context.baseDir, path);
  }
  return normalize(path);
}

/** Reads a PEM CA file, or throws `CaFileError` with code `ca-file-unreadable`. */
export async function readCaFile(device: string, file: string, path: string): Promise<string> {
  const unreadable = (reason: string, cause?: unknown): CaFileError =>
    new CaFileError(
      'ca-file-unreadable',
      device,
      file,
      `Device "${device}": could not use the CA file ${path} (${reason}). ` +
        'Fix "tlsCaFile" in the device settings.',
      cause,
    );
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw unreadable(causeText(error), error);
  }
  if (bytes.length > MAX_CA_FILE_BYTES) {
    throw unreadable(`larger than ${MAX_CA_FILE_BYTES} bytes`);
  }
  const text = bytes.toString('utf8');
  if (!text.includes(PEM_CERTIFICATE)) {
    throw unreadable(`no "${PEM_CERTIFICATE}" block, so not a PEM certificate`);
  }
  return text;
}
