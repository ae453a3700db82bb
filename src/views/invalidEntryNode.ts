import * as vscode from 'vscode';
import type { DeviceEntry } from '../devices/merge';
import { scopeLabel } from '../devices/merge';
import { escapeMarkdown, shortScope } from './deviceNode';

/**
 * An entry of `devicePush.devices` that failed validation. It never reaches the sender; the
 * view shows what is wrong, and clicking it opens the entry in its settings file.
 */
export class InvalidEntryNode {
  readonly kind = 'invalid';
  readonly entryId: string;

  constructor(readonly entry: DeviceEntry) {
    this.entryId = entry.id;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.entry.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.entry.id;
    item.description = this.description();
    item.contextValue = 'device invalid';
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.errorForeground'));
    item.tooltip = this.tooltip();
    item.command = {
      command: 'devicePush.editDevice',
      title: 'Edit Device',
      arguments: [this],
    };
    item.accessibilityInformation = {
      label: `${this.entry.label}, invalid: ${this.entry.problems.join(' ')}`,
    };
    return item;
  }

  /** The first problem and the scope, e.g. `Missing "host"… · workspace`. */
  description(): string {
    const more = this.entry.problems.length > 1 ? ` (+${this.entry.problems.length - 1} more)` : '';
    return `${this.entry.problems[0] ?? 'Invalid entry'}${more} · ${shortScope(this.entry)}`;
  }

  tooltip(): vscode.MarkdownString {
    const lines = [
      `**${escapeMarkdown(this.entry.label)}** is not used: its settings are invalid.`,
      '',
      ...this.entry.problems.map((problem) => `- ${escapeMarkdown(problem)}`),
      '',
      `Defined in ${escapeMarkdown(scopeLabel(this.entry))}. Click to open the entry.`,
    ];
    const markdown = new vscode.MarkdownString(lines.join('\n'));
    markdown.isTrusted = false;
    return markdown;
  }
}
