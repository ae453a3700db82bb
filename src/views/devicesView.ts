import * as vscode from 'vscode';
import type { Services } from '../services';
import { DeviceNode } from './deviceNode';
import { DevicesTreeProvider, type DeviceTreeNode } from './devicesTreeProvider';

export const DEVICES_VIEW_ID = 'devicePush.devices';

const RESTRICTED_MESSAGE =
  'Restricted Mode: only devices from your user settings are used. Devices that this ' +
  'workspace defines are ignored until you trust it.';

/** Plain-data picture of one item of the Devices view, for tests and diagnostics. */
export interface DeviceViewItem {
  entryId: string;
  kind: 'device' | 'invalid';
  label: string;
  description: string;
  contextValue: string;
  tooltip: string;
  /** ThemeIcon id, e.g. `pass-filled`. */
  icon: string;
  /** ThemeColor id of the icon, when it has one. */
  iconColor?: string;
  /** Command run on click, when there is one. */
  command?: string;
}

export interface DevicesView {
  provider: DevicesTreeProvider;
  treeView: vscode.TreeView<DeviceTreeNode>;
  /** Current items with their tree item fields, in view order. */
  items(): Promise<DeviceViewItem[]>;
  /** Current elements, as the view passes them to commands. */
  elements(): DeviceTreeNode[];
}

/** Creates the Devices view (multi-select) and keeps its Restricted Mode message current. */
export function registerDevicesView(services: Services): DevicesView {
  const provider = new DevicesTreeProvider(services);
  const treeView = vscode.window.createTreeView(DEVICES_VIEW_ID, {
    treeDataProvider: provider,
    canSelectMany: true,
    showCollapseAll: false,
  });
  const updateMessage = (): void => {
    treeView.message = workspaceDevicesIgnored() ? RESTRICTED_MESSAGE : undefined;
  };
  updateMessage();
  services.context.subscriptions.push(
    provider,
    treeView,
    services.registry.onDidChange(updateMessage),
    vscode.workspace.onDidGrantWorkspaceTrust(updateMessage),
  );
  return {
    provider,
    treeView,
    elements: () => provider.getChildren(),
    items: () => Promise.all(provider.getChildren().map((node) => describeItem(provider, node))),
  };
}

async function describeItem(
  provider: DevicesTreeProvider,
  node: DeviceTreeNode,
): Promise<DeviceViewItem> {
  const item = await provider.resolveTreeItem(provider.getTreeItem(node), node);
  const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath : undefined;
  const tooltip = item.tooltip;
  const view: DeviceViewItem = {
    entryId: node.entryId,
    kind: node instanceof DeviceNode ? 'device' : 'invalid',
    label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
    description: typeof item.description === 'string' ? item.description : '',
    contextValue: item.contextValue ?? '',
    tooltip: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? ''),
    icon: icon?.id ?? '',
  };
  // ThemeColor has an `id` at run time; the 1.90 typings do not declare it.
  const colorId: unknown = icon?.color ? Reflect.get(icon.color, 'id') : undefined;
  if (typeof colorId === 'string') {
    view.iconColor = colorId;
  }
  if (item.command) {
    view.command = item.command.command;
  }
  return view;
}

/**
 * Whether a workspace is open in Restricted Mode, where the registry ignores workspace devices.
 * VS Code hides restricted settings of an untrusted workspace even from `inspect()`, so whether
 * the workspace defines any devices cannot be known until it is trusted.
 */
function workspaceDevicesIgnored(): boolean {
  return !vscode.workspace.isTrusted && (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
}
