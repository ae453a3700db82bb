import * as vscode from 'vscode';
import type { Services } from '../services';
import { DeviceNode } from './deviceNode';
import { InvalidEntryNode } from './invalidEntryNode';

export type DeviceTreeNode = DeviceNode | InvalidEntryNode;

/**
 * Data of the Devices view: one flat list in scope order (user, workspace, folders), rebuilt when
 * settings, device states or outbox counts change.
 */
export class DevicesTreeProvider implements vscode.TreeDataProvider<DeviceTreeNode> {
  private readonly changed = new vscode.EventEmitter<DeviceTreeNode | undefined>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly services: Services) {
    this.disposables.push(
      services.registry.onDidChange(() => this.refresh()),
      services.states.onDidChange(() => this.refresh()),
      services.pending.onDidChange(() => this.refresh()),
    );
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(element?: DeviceTreeNode): DeviceTreeNode[] {
    if (element) {
      return [];
    }
    const defaultName = this.services.registry.defaultDeviceName().toLowerCase();
    return this.services.registry.all().map((entry) => {
      if (!entry.config) {
        return new InvalidEntryNode(entry);
      }
      return new DeviceNode(entry, {
        isDefault: defaultName !== '' && entry.config.name.toLowerCase() === defaultName,
        state: this.services.states.get(entry.id),
        pending: this.services.pending.count(entry.id),
      });
    });
  }

  getTreeItem(element: DeviceTreeNode): vscode.TreeItem {
    return element.toTreeItem();
  }

  /** Adds the token line to a device's tooltip when the user hovers it. */
  async resolveTreeItem(item: vscode.TreeItem, element: DeviceTreeNode): Promise<vscode.TreeItem> {
    if (element instanceof DeviceNode) {
      item.tooltip = element.tooltip(await this.tokenLine(element));
    }
    return item;
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) {
      disposable.dispose();
    }
  }

  private async tokenLine(node: DeviceNode): Promise<string> {
    try {
      return (await this.services.tokens.has(node.entry)) ? 'set' : 'none';
    } catch {
      return 'unknown (secret storage failed)';
    }
  }
}
