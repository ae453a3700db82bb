import * as vscode from 'vscode';
import { showMessage } from '../ui';
import { definitionIdentity, identityKey } from './identity';
import { scopeLabel, type DeviceEntry } from './merge';
import { workspaceId } from './registry';

const APPROVALS_KEY = 'devicePush.deviceApprovals';
const APPROVAL_KEY_PREFIX = 'approval/';
const ALLOW = 'Allow';
const DENY = "Don't Allow";

export type ApprovalAnswer = 'allow' | 'deny';

export interface ApprovalRequest {
  device: string;
  /** `host:port` */
  address: string;
  /** Name of the workspace that defines the device. */
  workspace: string;
  /** Where the device is defined, e.g. `Workspace settings`. */
  source: string;
}

/** Asks the user; returns undefined when the question was dismissed without an answer. */
export type ApprovalPrompt = (request: ApprovalRequest) => Promise<ApprovalAnswer | undefined>;

/**
 * Confirmation before the first send to a device that a workspace (not the user) defines, because
 * a cloned repository could otherwise aim notifications, task output included, at any address.
 *
 * The answer is remembered in global state per definition: workspace, name, host and port, so
 * editing the address asks again. A dismissed prompt is not remembered. Devices from user settings
 * never need approval. In Restricted Mode no workspace device is approved.
 */
export class DeviceApprovals {
  private readonly asking = new Map<string, Promise<boolean>>();

  constructor(
    private readonly state: vscode.Memento,
    private prompt: ApprovalPrompt = askInModal,
  ) {}

  /** Returns true when the device may receive notifications, asking the user once if needed. */
  ensureApproved(entry: DeviceEntry): Promise<boolean> {
    if (entry.scope === 'user' && entry.config) {
      return Promise.resolve(true);
    }
    const key = this.keyOf(entry);
    if (!key || !vscode.workspace.isTrusted) {
      return Promise.resolve(false);
    }
    const stored = this.answers()[key];
    if (stored) {
      return Promise.resolve(stored === 'allow');
    }
    let pending = this.asking.get(key);
    if (!pending) {
      pending = this.ask(entry, key).finally(() => this.asking.delete(key));
      this.asking.set(key, pending);
    }
    return pending;
  }

  /** Returns the remembered answer, or undefined when the user was never asked. */
  answerFor(entry: DeviceEntry): ApprovalAnswer | undefined {
    if (entry.scope === 'user') {
      return 'allow';
    }
    const key = this.keyOf(entry);
    return key ? this.answers()[key] : undefined;
  }

  /** Forgets the answer for this definition, so the next send asks again. */
  async forget(entry: DeviceEntry): Promise<void> {
    const key = this.keyOf(entry);
    if (key) {
      const rest = { ...this.answers() };
      delete rest[key];
      await this.state.update(APPROVALS_KEY, rest);
    }
  }

  /** Replaces the prompt until the returned disposable is disposed. Meant for tests. */
  setPrompt(prompt: ApprovalPrompt): vscode.Disposable {
    const before = this.prompt;
    this.prompt = prompt;
    return new vscode.Disposable(() => {
      this.prompt = before;
    });
  }

  private async ask(entry: DeviceEntry, key: string): Promise<boolean> {
    const config = entry.config!;
    const answer = await this.prompt({
      device: config.name,
      address: `${config.host}:${config.port}`,
      workspace: vscode.workspace.name ?? 'this workspace',
      source: scopeLabel(entry),
    });
    if (answer) {
      await this.state.update(APPROVALS_KEY, { ...this.answers(), [key]: answer });
    }
    return answer === 'allow';
  }

  private answers(): Record<string, ApprovalAnswer> {
    return this.state.get<Record<string, ApprovalAnswer>>(APPROVALS_KEY, {});
  }

  private keyOf(entry: DeviceEntry): string | undefined {
    const identity = definitionIdentity(entry, workspaceId());
    if (!identity) {
      return undefined;
    }
    // Folder entries are bound to their folder; the workspace id binds them to the workspace too.
    return identityKey(`${APPROVAL_KEY_PREFIX}${workspaceId() ?? ''}/`, identity);
  }
}

async function askInModal(request: ApprovalRequest): Promise<ApprovalAnswer | undefined> {
  const choice = await showMessage(
    'warning',
    `Send notifications to "${request.device}" at ${request.address}?`,
    {
      modal: true,
      detail:
        `The workspace "${request.workspace}" defines this device in its ${request.source}, ` +
        'not your user settings. Device Push asks once per device definition; the answer ' +
        'applies until its name, host or port changes.',
    },
    ALLOW,
    DENY,
  );
  if (choice === ALLOW) {
    return 'allow';
  }
  return choice === DENY ? 'deny' : undefined;
}
