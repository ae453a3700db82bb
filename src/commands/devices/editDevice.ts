import * as vscode from 'vscode';
import { locateDeviceEntry } from '../../devices/locate';
import type { DeviceEntry } from '../../devices/merge';
import { DEVICES_KEY, SECTION } from '../../devices/registry';
import type { Services } from '../../services';
import { showError } from '../../ui';
import { resolveDeviceArgs } from './resolve';

export const EDIT_DEVICE_COMMAND = 'devicePush.editDevice';
const TITLE = 'Edit Device';

/**
 * Edit: opens the settings file that defines each device, invalid entries included, and selects
 * the entry (or at least the `devicePush.devices` line).
 */
export function editDeviceCommand(services: Services) {
  return async (...args: unknown[]): Promise<string[] | undefined> => {
    const entries = await resolveDeviceArgs(services, args, {
      multi: true,
      allowInvalid: true,
      action: TITLE,
      placeHolder: 'Edit which device?',
    });
    if (!entries) {
      return undefined;
    }
    const opened: string[] = [];
    for (const entry of entries) {
      const uri = await openEntry(entry);
      if (uri) {
        opened.push(uri.toString());
      }
    }
    return opened;
  };
}

/** Opens the entry's settings file and reveals the entry; returns the file's URI. */
export async function openEntry(entry: DeviceEntry): Promise<vscode.Uri | undefined> {
  let editor: vscode.TextEditor | undefined;
  if (entry.scope === 'user') {
    await vscode.commands.executeCommand('workbench.action.openSettingsJson', {
      revealSetting: { key: `${SECTION}.${DEVICES_KEY}` },
    });
    editor = vscode.window.activeTextEditor;
  } else {
    const uri = settingsFileOf(entry);
    if (!uri) {
      void showError(`${TITLE}: the settings file of "${entry.label}" is not open in this window.`);
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    editor = await vscode.window.showTextDocument(document);
  }
  if (!editor) {
    return undefined;
  }
  const location = locateDeviceEntry(editor.document.getText(), entry.index);
  if (location) {
    const offset = location.entryOffset ?? location.keyOffset;
    const position = editor.document.positionAt(offset);
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenter);
  }
  return editor.document.uri;
}

/**
 * The file that stores a scope's settings: the workspace file of a multi-root workspace, or
 * `.vscode/settings.json` of the folder.
 */
function settingsFileOf(entry: DeviceEntry): vscode.Uri | undefined {
  if (entry.scope === 'folder') {
    return entry.folderUri
      ? vscode.Uri.joinPath(vscode.Uri.parse(entry.folderUri), '.vscode', 'settings.json')
      : undefined;
  }
  const file = vscode.workspace.workspaceFile;
  if (file && file.scheme !== 'untitled') {
    return file;
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json') : undefined;
}
