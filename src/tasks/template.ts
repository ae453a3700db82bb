/**
 * Text of task notifications. Pure, so unit tests run in plain Node.
 *
 * Templates use `${name}` variables. A variable that is not listed in `TaskTemplateVariables` is
 * left in the text unchanged, so a typo shows up in the notification instead of vanishing.
 */

import type { TaskInfo } from '../sender/types';

export const DEFAULT_SUCCESS_TEMPLATE = '✅ ${task} finished in ${duration}';
export const DEFAULT_FAILURE_TEMPLATE = '❌ ${task} ${status}${exitCodeSuffix} after ${duration}';

const MS_PER_SECOND = 1000;
const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3600;

/** Values that a template can use. */
export interface TaskTemplateVariables {
  task: string;
  /** `succeeded`, `failed` or `terminated`. */
  status: string;
  /** The exit code, or an empty string when it is unknown. */
  exitCode: string;
  /** ` (exit 3)`, or an empty string when the exit code is unknown or 0. */
  exitCodeSuffix: string;
  /** `12s`, `1m 04s` or `1h 02m`; see `formatDuration`. */
  duration: string;
  /** Name of the task's workspace folder, or an empty string. */
  folder: string;
}

const VARIABLE_PATTERN = /\$\{(\w+)\}/g;

/**
 * Formats a duration the way task notifications show it: seconds below a minute (`12s`), minutes
 * and two-digit seconds below an hour (`1m 04s`), then hours and two-digit minutes (`1h 02m`).
 * Partial seconds are dropped, so 59.9 s is `59s`; negative input counts as 0.
 */
export function formatDuration(durationMs: number): string {
  const totalSeconds = Math.floor(Math.max(0, durationMs) / MS_PER_SECOND);
  if (totalSeconds < SECONDS_PER_MINUTE) {
    return `${totalSeconds}s`;
  }
  if (totalSeconds < SECONDS_PER_HOUR) {
    const minutes = Math.floor(totalSeconds / SECONDS_PER_MINUTE);
    const seconds = totalSeconds % SECONDS_PER_MINUTE;
    return `${minutes}m ${twoDigits(seconds)}s`;
  }
  const hours = Math.floor(totalSeconds / SECONDS_PER_HOUR);
  const minutes = Math.floor((totalSeconds % SECONDS_PER_HOUR) / SECONDS_PER_MINUTE);
  return `${hours}h ${twoDigits(minutes)}m`;
}

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}

/** Replaces each known `${name}` in `template`; unknown names stay as written. */
export function renderTemplate(template: string, variables: TaskTemplateVariables): string {
  return template.replace(VARIABLE_PATTERN, (whole, name: string) =>
    Object.hasOwn(variables, name) ? variables[name as keyof TaskTemplateVariables] : whole,
  );
}

/** Returns the template variables of a finished task run. */
export function taskVariables(task: TaskInfo): TaskTemplateVariables {
  const exitCode = task.exitCode === undefined ? '' : String(task.exitCode);
  return {
    task: task.name,
    status: task.status,
    exitCode,
    exitCodeSuffix: task.exitCode === undefined || task.exitCode === 0 ? '' : ` (exit ${exitCode})`,
    duration: formatDuration(task.durationMs),
    folder: task.folder ?? '',
  };
}

/**
 * Returns the message for a finished task run: `successTemplate` when it succeeded,
 * `failureTemplate` when it failed or was terminated.
 */
export function taskMessage(
  task: TaskInfo,
  templates: { successTemplate: string; failureTemplate: string },
): string {
  const template =
    task.status === 'succeeded' ? templates.successTemplate : templates.failureTemplate;
  return renderTemplate(template, taskVariables(task));
}
