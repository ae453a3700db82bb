import type { LineBreakRule, Priority, TaskInfo } from '../sender/types';

const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high'];
const TASK_STATUSES: readonly TaskInfo['status'][] = ['succeeded', 'failed', 'terminated'];

/**
 * Reverses the `escape` rule of the `line` framing: `\\`, `\r` and `\n` become a backslash,
 * CR and LF. Any other backslash is kept as it is. The `space` rule needs no decoding.
 */
export function decodeLineMessage(line: string, rule: LineBreakRule): string {
  if (rule === 'space') {
    return line;
  }
  return line.replace(/\\([\\rn])/g, (_escape, letter: string) => {
    if (letter === 'r') {
      return '\r';
    }
    return letter === 'n' ? '\n' : '\\';
  });
}

/** Fields of one `json` framing message, after validation. */
export interface JsonNotificationFields {
  message: string;
  title?: string;
  priority?: Priority;
  source?: string;
  sentAt?: Date;
  task?: TaskInfo;
  token?: string;
}

export type JsonParseResult =
  | { ok: true; fields: JsonNotificationFields }
  | { ok: false; code: 'invalid-json' | 'invalid-notification'; reason: string };

type JsonObject = Record<string, unknown>;

/**
 * Parses one line of the `json` framing. `message` is required. Other known fields are
 * optional, and `null` counts as absent. Unknown fields are ignored.
 */
export function parseJsonNotification(text: string): JsonParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, code: 'invalid-json', reason: (error as Error).message };
  }
  if (!isObject(value)) {
    return { ok: false, code: 'invalid-json', reason: 'expected a JSON object' };
  }
  try {
    return { ok: true, fields: readNotificationFields(value) };
  } catch (error) {
    return { ok: false, code: 'invalid-notification', reason: (error as Error).message };
  }
}

function readNotificationFields(object: JsonObject): JsonNotificationFields {
  const message = readString(object, 'message');
  if (message === undefined) {
    throw new Error('field "message" is missing');
  }
  return dropUndefined({
    message,
    title: readString(object, 'title'),
    priority: readChoice(object, 'priority', PRIORITIES),
    source: readString(object, 'source'),
    sentAt: readDate(object, 'timestamp'),
    task: readTask(object),
    token: readString(object, 'token'),
  });
}

function readTask(object: JsonObject): TaskInfo | undefined {
  const task = object.task;
  if (task === undefined || task === null) {
    return undefined;
  }
  if (!isObject(task)) {
    throw new Error('field "task" must be an object');
  }
  const name = readString(task, 'name', 'task.name');
  const status = readChoice(task, 'status', TASK_STATUSES, 'task.status');
  const durationMs = readNumber(task, 'durationMs', 'task.durationMs');
  if (name === undefined || status === undefined || durationMs === undefined) {
    throw new Error('field "task" needs name, status and durationMs');
  }
  return dropUndefined({
    name,
    status,
    exitCode: readNumber(task, 'exitCode', 'task.exitCode'),
    durationMs,
    folder: readString(task, 'folder', 'task.folder'),
  });
}

function readString(object: JsonObject, key: string, label = key): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new Error(`field "${label}" must be a string`);
  }
  return value;
}

function readNumber(object: JsonObject, key: string, label = key): number | undefined {
  const value = object[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`field "${label}" must be a number`);
  }
  return value;
}

function readChoice<T extends string>(
  object: JsonObject,
  key: string,
  choices: readonly T[],
  label = key,
): T | undefined {
  const value = readString(object, key, label);
  if (value !== undefined && !choices.includes(value as T)) {
    throw new Error(`field "${label}" must be one of ${choices.join(', ')}`);
  }
  return value as T | undefined;
}

/** Reads an ISO 8601 string or a number of milliseconds since 1970. */
function readDate(object: JsonObject, key: string): Date | undefined {
  const value = object[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  const date = typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
  if (date === null || Number.isNaN(date.getTime())) {
    throw new Error(`field "${key}" must be an ISO 8601 date or a number of milliseconds`);
  }
  return date;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function dropUndefined<T extends object>(object: T): T {
  for (const key of Object.keys(object) as (keyof T)[]) {
    if (object[key] === undefined) {
      delete object[key];
    }
  }
  return object;
}
