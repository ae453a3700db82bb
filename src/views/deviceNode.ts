import * as vscode from 'vscode';
import type { DeviceEntry } from '../devices/merge';
import { scopeLabel } from '../devices/merge';
import type { DeviceState, DeviceStatus } from '../devices/state';

export interface DeviceNodeFacts {
  isDefault: boolean;
  state: DeviceState | undefined;
  /** Notifications waiting in the outbox for this device. */
  pending: number;
}

interface StatusLook {
  icon: string;
  color?: string;
  text: string;
}

const STATUS_LOOK: Record<DeviceStatus, StatusLook> = {
  unknown: { icon: 'circle-outline', text: 'Not contacted yet' },
  sending: { icon: 'sync~spin', color: 'charts.blue', text: 'Sending' },
  testing: { icon: 'sync~spin', color: 'charts.blue', text: 'Testing the connection' },
  reachable: { icon: 'pass-filled', color: 'testing.iconPassed', text: 'Reachable' },
  failed: { icon: 'error', color: 'testing.iconFailed', text: 'Last attempt failed' },
};

const DISABLED_LOOK: StatusLook = {
  icon: 'circle-slash',
  color: 'disabledForeground',
  text: 'Turned off in settings',
};

/** A valid device in the Devices view. Commands receive it as their first argument. */
export class DeviceNode {
  readonly kind = 'device';
  readonly entryId: string;

  constructor(
    readonly entry: DeviceEntry,
    readonly facts: DeviceNodeFacts,
  ) {
    this.entryId = entry.id;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.entry.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.entry.id;
    item.description = this.description();
    item.contextValue = this.contextValue();
    const look = this.look();
    item.iconPath = new vscode.ThemeIcon(
      look.icon,
      look.color ? new vscode.ThemeColor(look.color) : undefined,
    );
    item.tooltip = this.tooltip();
    item.accessibilityInformation = {
      label: `${this.entry.label}, ${this.description()}, ${look.text}`,
    };
    return item;
  }

  /** `host:port · framing · scope`, then `default`, `off` and `N waiting` when they apply. */
  description(): string {
    const config = this.entry.config!;
    const parts = [`${config.host}:${config.port}`, config.framing, shortScope(this.entry)];
    if (this.facts.isDefault) {
      parts.push('default');
    }
    if (!config.enabled) {
      parts.push('off');
    }
    if (this.facts.pending > 0) {
      parts.push(`${this.facts.pending} waiting`);
    }
    return parts.join(' · ');
  }

  /** Tokens matched by `viewItem` in package.json menus, e.g. `device valid default queued`. */
  contextValue(): string {
    const tokens = ['device', 'valid'];
    if (this.facts.isDefault) {
      tokens.push('default');
    }
    if (this.facts.pending > 0) {
      tokens.push('queued');
    }
    return tokens.join(' ');
  }

  tooltip(tokenLine?: string): vscode.MarkdownString {
    const config = this.entry.config!;
    const look = this.look();
    const lines = [
      `**${escapeMarkdown(this.entry.label)}** — ${escapeMarkdown(config.host)}:${config.port}`,
      '',
      `- Defined in: ${escapeMarkdown(scopeLabel(this.entry))}`,
      `- Framing: ${config.framing}`,
      `- TLS: ${describeTls(config)}`,
      `- Acknowledgement: ${config.ack ? `waits for "${escapeMarkdown(config.ackText)}"` : 'off'}`,
      `- Deadline: ${config.timeoutMs} ms`,
    ];
    if (tokenLine) {
      lines.push(`- Token: ${tokenLine}`);
    }
    if (this.entry.shadows.length > 0) {
      lines.push('- Hides a device with the same name from less specific settings');
    }
    if (this.facts.pending > 0) {
      lines.push(`- Waiting in the outbox: ${this.facts.pending}`);
    }
    lines.push('', `$(${look.icon.replace('~spin', '')}) ${look.text}`);
    const state = this.facts.state;
    const finished = state && isFinished(state) ? state : state?.previous;
    if (finished) {
      const detail = finished.detail ? `: ${escapeMarkdown(finished.detail)}` : '';
      lines.push('', `Last result (${formatTime(finished.at)}): ${finished.status}${detail}`);
    }
    const markdown = new vscode.MarkdownString(lines.join('\n'), true);
    markdown.isTrusted = false;
    return markdown;
  }

  private look(): StatusLook {
    if (!this.entry.config!.enabled) {
      return DISABLED_LOOK;
    }
    return STATUS_LOOK[this.facts.state?.status ?? 'unknown'];
  }
}

function isFinished(state: DeviceState): boolean {
  return state.status === 'reachable' || state.status === 'failed';
}

function describeTls(config: NonNullable<DeviceEntry['config']>): string {
  if (!config.tls) {
    return 'off';
  }
  if (config.tlsFingerprint) {
    return 'on, pinned certificate fingerprint';
  }
  if (config.tlsCaFile) {
    return `on, CA file ${escapeMarkdown(config.tlsCaFile)}`;
  }
  return 'on, system CAs';
}

/** `user`, `workspace` or the folder name. */
export function shortScope(entry: DeviceEntry): string {
  return entry.scope === 'folder' ? (entry.folderName ?? 'folder') : entry.scope;
}

function formatTime(at: number): string {
  return new Date(at).toLocaleTimeString();
}

export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, (char) => `\\${char}`);
}
