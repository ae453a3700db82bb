import * as vscode from 'vscode';
import {
  findDevice,
  mergeDeviceLists,
  scopeLabel,
  type DeviceEntry,
  type ScopedList,
} from './merge';

export const SECTION = 'devicePush';
export const DEVICES_KEY = 'devices';
export const DEFAULT_DEVICE_KEY = 'defaultDevice';

/**
 * The merged device list from user, workspace and folder settings, kept current as settings
 * change. In an untrusted workspace only user settings count, whatever the workspace defines.
 */
export class DeviceRegistry implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private entries: DeviceEntry[] = [];
  private loggedProblems = new Set<string>();

  /** Fires after the list was read again. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.reload();
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SECTION)) {
          this.reload();
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.reload()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reload()),
    );
  }

  /** Reads every scope again and fires `onDidChange`. */
  reload(): void {
    this.entries = mergeDeviceLists(readScopedLists());
    // Each problem is logged once while it lasts, not on every settings change.
    const problems = new Set<string>();
    for (const entry of this.entries.filter((item) => item.problems.length > 0)) {
      const line = `Device "${entry.label}" (${scopeLabel(entry)}): ${entry.problems.join(' ')}`;
      problems.add(line);
      if (!this.loggedProblems.has(line)) {
        this.log.warn(line);
      }
    }
    this.loggedProblems = problems;
    this.changed.fire();
  }

  /** All entries, valid and invalid, in scope order: user, workspace, folders. */
  all(): readonly DeviceEntry[] {
    return this.entries;
  }

  /** Valid entries only. */
  valid(): DeviceEntry[] {
    return this.entries.filter((entry) => entry.config !== undefined);
  }

  find(name: string): DeviceEntry | undefined {
    return findDevice(this.entries, name);
  }

  /** The entry with this id (`DeviceEntry.id`), valid or not. */
  byId(id: string): DeviceEntry | undefined {
    return this.entries.find((entry) => entry.id === id);
  }

  /**
   * Name in `devicePush.defaultDevice`, or an empty string. In a multi-root workspace a folder's
   * value counts while the active editor shows a file of that folder. In Restricted Mode only the
   * user value counts.
   */
  defaultDeviceName(): string {
    const activeUri = vscode.window.activeTextEditor?.document.uri;
    const folder = activeUri ? vscode.workspace.getWorkspaceFolder(activeUri) : undefined;
    const inspected = vscode.workspace
      .getConfiguration(SECTION, folder?.uri)
      .inspect<unknown>(DEFAULT_DEVICE_KEY);
    const candidates = vscode.workspace.isTrusted
      ? [inspected?.workspaceFolderValue, inspected?.workspaceValue, inspected?.globalValue]
      : [inspected?.globalValue];
    const value = candidates.find((candidate) => candidate !== undefined);
    return typeof value === 'string' ? value.trim() : '';
  }

  /** The default device when it names a valid device. */
  defaultDevice(): DeviceEntry | undefined {
    const name = this.defaultDeviceName();
    return name ? this.find(name) : undefined;
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) {
      disposable.dispose();
    }
  }
}

function readScopedLists(): ScopedList[] {
  const lists: ScopedList[] = [];
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<unknown>(DEVICES_KEY);
  lists.push({ scope: 'user', entries: inspected?.globalValue });
  if (!vscode.workspace.isTrusted) {
    return lists;
  }
  lists.push({ scope: 'workspace', entries: inspected?.workspaceValue });
  // A single-folder window reports its folder settings as workspace settings, so folder
  // scopes are read only in a multi-root workspace.
  if (vscode.workspace.workspaceFile) {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const folderValue = vscode.workspace
        .getConfiguration(SECTION, folder.uri)
        .inspect<unknown>(DEVICES_KEY)?.workspaceFolderValue;
      lists.push({
        scope: 'folder',
        folderUri: folder.uri.toString(),
        folderName: folder.name,
        entries: folderValue,
      });
    }
  }
  return lists;
}

/**
 * Returns an id of the open workspace: the `.code-workspace` file of a multi-root workspace, the
 * folder of a single-folder window, or undefined in an empty window.
 */
export function workspaceId(): string | undefined {
  const file = vscode.workspace.workspaceFile;
  if (file && file.scheme !== 'untitled') {
    return file.toString();
  }
  return vscode.workspace.workspaceFolders?.[0]?.uri.toString();
}
