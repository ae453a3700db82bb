/**
 * Which finished task runs send a notification. Pure, so unit tests run in plain Node.
 */

import type { TaskInfo } from '../sender/types';

export type OutcomeFilter = 'always' | 'failure' | 'success';

/** The `devicePush.taskNotifications.*` settings that decide whether a run notifies. */
export interface TaskFilterSettings {
  outcome: OutcomeFilter;
  minimumDurationSeconds: number;
  failuresIgnoreMinimumDuration: boolean;
  include: readonly string[];
  exclude: readonly string[];
}

/** Why a run sends nothing, for the log; `undefined` means it notifies. */
export type SkipReason =
  | { kind: 'excluded'; pattern: string }
  | { kind: 'not-included' }
  | { kind: 'outcome'; outcome: OutcomeFilter }
  | { kind: 'too-short'; minimumSeconds: number };

/**
 * Matches a task name against a pattern in which `*` stands for any text, the empty text
 * included. Every other character matches itself; case counts. The whole name must match.
 */
export function matchesPattern(name: string, pattern: string): boolean {
  const pieces = pattern.split('*').map((piece) => piece.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'));
  return new RegExp(`^${pieces.join('.*')}$`, 's').test(name);
}

/**
 * Returns why the run sends nothing, or `undefined` when it notifies.
 * - `exclude` wins over `include`; an empty `include` lets every name through.
 * - Outcome `failure` lets failed and terminated runs through, `success` only succeeded ones.
 * - A run shorter than `minimumDurationSeconds` sends nothing, except a failed run while
 *   `failuresIgnoreMinimumDuration` is on. A terminated run obeys the minimum, because the user
 *   stopped it and already knows.
 */
export function skipReason(task: TaskInfo, settings: TaskFilterSettings): SkipReason | undefined {
  const excludedBy = settings.exclude.find((pattern) => matchesPattern(task.name, pattern));
  if (excludedBy !== undefined) {
    return { kind: 'excluded', pattern: excludedBy };
  }
  if (
    settings.include.length > 0 &&
    !settings.include.some((pattern) => matchesPattern(task.name, pattern))
  ) {
    return { kind: 'not-included' };
  }
  const succeeded = task.status === 'succeeded';
  if (
    (settings.outcome === 'failure' && succeeded) ||
    (settings.outcome === 'success' && !succeeded)
  ) {
    return { kind: 'outcome', outcome: settings.outcome };
  }
  const exempt = task.status === 'failed' && settings.failuresIgnoreMinimumDuration;
  if (!exempt && task.durationMs < settings.minimumDurationSeconds * 1000) {
    return { kind: 'too-short', minimumSeconds: settings.minimumDurationSeconds };
  }
  return undefined;
}

/** Describes a skip reason in one clause for the log. */
export function describeSkip(reason: SkipReason): string {
  switch (reason.kind) {
    case 'excluded':
      return `its name matches the exclude pattern "${reason.pattern}"`;
    case 'not-included':
      return 'its name matches no include pattern';
    case 'outcome':
      return `the outcome setting is "${reason.outcome}"`;
    case 'too-short':
      return `it ran for less than the minimum of ${reason.minimumSeconds} s`;
  }
}
