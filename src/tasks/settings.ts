import * as vscode from 'vscode';
import type { OutcomeFilter, TaskFilterSettings } from './filter';
import { DEFAULT_FAILURE_TEMPLATE, DEFAULT_SUCCESS_TEMPLATE } from './template';

const SECTION = 'devicePush.taskNotifications';
const OUTCOMES: readonly OutcomeFilter[] = ['always', 'failure', 'success'];

/** The `devicePush.taskNotifications.*` settings of one folder, checked and with defaults. */
export interface TaskNotificationSettings extends TaskFilterSettings {
  enabled: boolean;
  /** Device names; empty means the default device. */
  devices: string[];
  successTemplate: string;
  failureTemplate: string;
}

/**
 * Reads the settings that apply to tasks of `scope` (a folder URI, or undefined for workspace
 * and user settings). A value of the wrong type counts as unset, so a broken entry in
 * settings.json falls back to the default declared in package.json.
 */
export function readTaskSettings(scope: vscode.Uri | undefined): TaskNotificationSettings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const outcome = config.get<unknown>('outcome');
  const minimum = config.get<unknown>('minimumDurationSeconds');
  return {
    enabled: config.get<unknown>('enabled') === true,
    devices: stringList(config.get<unknown>('devices')),
    outcome: OUTCOMES.includes(outcome as OutcomeFilter) ? (outcome as OutcomeFilter) : 'always',
    minimumDurationSeconds: typeof minimum === 'number' && minimum >= 0 ? minimum : 10,
    failuresIgnoreMinimumDuration: config.get<unknown>('failuresIgnoreMinimumDuration') !== false,
    include: stringList(config.get<unknown>('include')),
    exclude: stringList(config.get<unknown>('exclude')),
    successTemplate: text(config.get<unknown>('successMessage'), DEFAULT_SUCCESS_TEMPLATE),
    failureTemplate: text(config.get<unknown>('failureMessage'), DEFAULT_FAILURE_TEMPLATE),
  };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string' && item.trim() !== '')
    : [];
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() !== '' ? value : fallback;
}
