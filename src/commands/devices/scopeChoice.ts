import * as vscode from 'vscode';
import type { ScopeTarget } from '../../devices/writer';

/** Where a new device can be written in this window, most general first. */
export interface ScopeChoice extends vscode.QuickPickItem {
  target: ScopeTarget;
}

/**
 * Returns the scopes a new device may go to: always user settings, plus workspace and folder
 * settings when a workspace is open and trusted (Restricted Mode ignores workspace devices).
 */
export function scopeChoices(): ScopeChoice[] {
  const choices: ScopeChoice[] = [
    {
      label: 'User',
      description: 'your user settings',
      detail: 'Available in every window, and in Restricted Mode.',
      target: { scope: 'user' },
    },
  ];
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (!vscode.workspace.isTrusted || (folders.length === 0 && !vscode.workspace.workspaceFile)) {
    return choices;
  }
  const file = vscode.workspace.workspaceFile;
  const multiRoot = file !== undefined;
  choices.push({
    label: 'Workspace',
    description: multiRoot
      ? `the workspace file ${vscode.workspace.name ?? ''}`.trim()
      : `.vscode/settings.json of ${folders[0]?.name ?? 'the folder'}`,
    detail: 'Shared with everyone who opens this workspace.',
    target: { scope: 'workspace' },
  });
  if (multiRoot) {
    for (const folder of folders) {
      choices.push({
        label: `Folder: ${folder.name}`,
        description: `.vscode/settings.json of ${folder.name}`,
        detail: 'Wins over user and workspace devices with the same name.',
        target: { scope: 'folder', folderUri: folder.uri.toString(), folderName: folder.name },
      });
    }
  }
  return choices;
}

/**
 * Turns `scope` and `folder` arguments into a target, or returns a message saying what is wrong.
 * `folder` is a folder name or URI; in a single-folder window folder settings are the workspace
 * settings.
 */
export function targetFromArgs(scope: unknown, folder: unknown): ScopeTarget | string {
  const scopeName = scope ?? 'user';
  if (scopeName !== 'user' && scopeName !== 'workspace' && scopeName !== 'folder') {
    return `"scope" must be "user", "workspace" or "folder", not ${JSON.stringify(scope)}.`;
  }
  if (scopeName === 'user') {
    return { scope: 'user' };
  }
  if (!vscode.workspace.isTrusted) {
    return 'Restricted Mode ignores workspace devices, so only "scope": "user" is allowed.';
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0 && !vscode.workspace.workspaceFile) {
    return `No folder or workspace is open, so "scope": "${scopeName}" has no settings to write.`;
  }
  if (scopeName === 'workspace' || !vscode.workspace.workspaceFile) {
    return { scope: 'workspace' };
  }
  const match =
    typeof folder === 'string'
      ? folders.find((item) => item.name === folder || item.uri.toString() === folder)
      : folders.length === 1
        ? folders[0]
        : undefined;
  if (!match) {
    const names = folders.map((item) => `"${item.name}"`).join(', ');
    return `"folder" must name one of the workspace folders: ${names}.`;
  }
  return { scope: 'folder', folderUri: match.uri.toString(), folderName: match.name };
}
