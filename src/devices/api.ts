import * as vscode from 'vscode';
import type { Services } from '../services';
import { onDidShowMessage, setResponders, type Responders, type ShownMessage } from '../ui';
import type { DevicesView, DeviceViewItem } from '../views/devicesView';
import type { DeviceTreeNode } from '../views/devicesTreeProvider';
import type { ApprovalPrompt } from './approval';
import type { DeviceEntry } from './merge';
import type { DeviceState } from './state';

/**
 * Read-only view of the device list, returned by `activate()` under `devices`. Safe to give to
 * other extensions: it exposes no token.
 */
export interface DevicesApi {
  /** Merged entries, valid and invalid, in view order. */
  entries(): readonly DeviceEntry[];
  /** Fires after the device list was read again. */
  readonly onDidChange: vscode.Event<void>;
  /** Items of the Devices view as VS Code renders them. */
  viewItems(): Promise<DeviceViewItem[]>;
  /** Elements of the Devices view, to pass to commands the way the view does. */
  viewElements(): DeviceTreeNode[];
  /** Message shown above the Devices view, such as the Restricted Mode notice. */
  viewMessage(): string | undefined;
  /** Last send or test state of an entry. */
  state(entryId: string): DeviceState | undefined;
  /** Hooks that answer prompts in place of the user; present only in test mode. */
  testing?: DevicesTestHooks;
}

/** Test-only hooks, exposed when the extension runs in `ExtensionMode.Test`. */
export interface DevicesTestHooks {
  /** Answers messages and input boxes until disposed. */
  setResponders(responders: Responders): vscode.Disposable;
  /** Fires for every message the extension shows. */
  readonly onDidShowMessage: vscode.Event<ShownMessage>;
  /** Replaces the approval prompt for workspace devices until disposed. */
  setApprovalPrompt(prompt: ApprovalPrompt): vscode.Disposable;
  /** Whether a token is stored for this entry's definition. */
  hasToken(entryId: string): Promise<boolean>;
  /** Remembered approval of an entry, if any. */
  approvalOf(entryId: string): 'allow' | 'deny' | undefined;
  /** Runs the approval check that precedes a send, prompting through the approval prompt. */
  ensureApproved(entryId: string): Promise<boolean>;
}

export function createDevicesApi(services: Services, view: DevicesView): DevicesApi {
  const api: DevicesApi = {
    entries: () => services.registry.all(),
    onDidChange: services.registry.onDidChange,
    viewItems: () => view.items(),
    viewElements: () => view.elements(),
    viewMessage: () => view.treeView.message,
    state: (entryId) => services.states.get(entryId),
  };
  if (services.context.extensionMode === vscode.ExtensionMode.Test) {
    const entryOf = (entryId: string): DeviceEntry => {
      const entry = services.registry.byId(entryId);
      if (!entry) {
        throw new Error(`No device entry with id ${entryId}.`);
      }
      return entry;
    };
    api.testing = {
      setResponders,
      onDidShowMessage,
      setApprovalPrompt: (prompt) => services.approvals.setPrompt(prompt),
      hasToken: (entryId) => services.tokens.has(entryOf(entryId)),
      approvalOf: (entryId) => services.approvals.answerFor(entryOf(entryId)),
      ensureApproved: (entryId) => services.approvals.ensureApproved(entryOf(entryId)),
    };
  }
  return api;
}
