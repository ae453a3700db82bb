/**
 * Arguments of `devicePush.sendNotification` from keybindings, tasks and other extensions:
 * `{ "device" | "devices", "message", "title", "priority" }`. Pure, so any layer may use it.
 */

import type { Priority } from '../sender/types';

export const SEND_ARGUMENT_KEYS = ['device', 'devices', 'message', 'title', 'priority'] as const;
const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high'];

export interface SendArguments {
  /** Device names; absent means the default device, or a picker when there is none. */
  devices?: string[];
  /** Absent means the user is asked. */
  message?: string;
  title?: string;
  priority?: Priority;
}

export type ParsedSendArguments =
  { ok: true; value: SendArguments } | { ok: false; problem: string };

const USAGE =
  'Pass { "message": "text" }, optionally with "device" (a name) or "devices" (a list of ' +
  'names), "title" and "priority" ("low", "normal" or "high").';

/** Checks every field of an argument object and returns the arguments or the first problem. */
export function parseSendArguments(args: Record<string, unknown>): ParsedSendArguments {
  const keys = Object.keys(args);
  if (keys.length === 0) {
    return { ok: false, problem: `The arguments are empty. ${USAGE}` };
  }
  const unknown = keys.filter((key) => !(SEND_ARGUMENT_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    const names = unknown.map((key) => `"${key}"`).join(', ');
    return { ok: false, problem: `Unknown argument ${names}. ${USAGE}` };
  }

  const value: SendArguments = {};
  if (args.device !== undefined && args.devices !== undefined) {
    return { ok: false, problem: 'Pass either "device" or "devices", not both.' };
  }
  if (args.device !== undefined) {
    if (typeof args.device !== 'string' || args.device.trim() === '') {
      return { ok: false, problem: '"device" must be the name of a device.' };
    }
    value.devices = [args.device];
  }
  if (args.devices !== undefined) {
    const names = args.devices;
    if (
      !Array.isArray(names) ||
      names.length === 0 ||
      !names.every((name) => typeof name === 'string' && name.trim() !== '')
    ) {
      return { ok: false, problem: '"devices" must be a non-empty list of device names.' };
    }
    value.devices = names as string[];
  }
  if (args.message !== undefined) {
    if (typeof args.message !== 'string' || args.message.trim() === '') {
      return { ok: false, problem: '"message" must be text that is not empty.' };
    }
    value.message = args.message;
  }
  if (args.title !== undefined) {
    if (typeof args.title !== 'string') {
      return { ok: false, problem: '"title" must be text.' };
    }
    if (args.title.trim() !== '') {
      value.title = args.title;
    }
  }
  if (args.priority !== undefined) {
    if (!PRIORITIES.includes(args.priority as Priority)) {
      return { ok: false, problem: '"priority" must be "low", "normal" or "high".' };
    }
    value.priority = args.priority as Priority;
  }
  return { ok: true, value };
}
