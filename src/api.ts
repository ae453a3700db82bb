import type { Priority } from './sender/types';
import { sendAndReport } from './sending/report';
import { summarizeResult, type SendResultSummary } from './sending/summary';
import type { Services } from './services';

export type { SendResultSummary } from './sending/summary';

export interface ApiSendOptions {
  /** Shown by devices whose framing carries a title (`json`, `line`, `length-prefixed`). */
  title?: string;
  priority?: Priority;
}

/**
 * The sending part of the API that other extensions get from
 * `vscode.extensions.getExtension('device-push.device-push').activate()`. See docs/api.md.
 */
export interface SendApi {
  /**
   * Sends `message` to the device named `deviceName` (compared case-insensitively) and resolves
   * with its result, failed sends included. Rejects with an `Error` whose `code` is
   * `invalid-argument` (empty message, wrong types) or `unknown-device` (no valid device has that
   * name). A device that a workspace defines is sent to only after the user approved it.
   */
  send(deviceName: string, message: string, options?: ApiSendOptions): Promise<SendResultSummary>;
  /** Names of the valid devices, in settings order: user, workspace, folders. */
  deviceNames(): string[];
  /** Name of the default device, or undefined when none is set or it names no valid device. */
  defaultDevice(): string | undefined;
}

export type ApiErrorCode = 'invalid-argument' | 'unknown-device';

function apiError(code: ApiErrorCode, message: string): Error {
  return Object.assign(new Error(message), { code });
}

export function createSendApi(services: Services): SendApi {
  return {
    async send(deviceName, message, options = {}) {
      if (typeof deviceName !== 'string' || deviceName.trim() === '') {
        throw apiError('invalid-argument', 'Device Push send(): deviceName must be a device name.');
      }
      if (typeof message !== 'string' || message.trim() === '') {
        throw apiError('invalid-argument', 'Device Push send(): message must be non-empty text.');
      }
      const { title, priority } = options ?? {};
      if (title !== undefined && typeof title !== 'string') {
        throw apiError('invalid-argument', 'Device Push send(): options.title must be text.');
      }
      if (priority !== undefined && !['low', 'normal', 'high'].includes(priority)) {
        throw apiError(
          'invalid-argument',
          'Device Push send(): options.priority must be "low", "normal" or "high".',
        );
      }
      const entry = services.registry.find(deviceName);
      if (!entry) {
        const known = services.registry.valid().map((valid) => `"${valid.label}"`);
        throw apiError(
          'unknown-device',
          `Device Push send(): no device named "${deviceName}". ` +
            (known.length > 0 ? `Known devices: ${known.join(', ')}.` : 'No device is set up.'),
        );
      }
      const notification = {
        message,
        ...(title ? { title } : {}),
        ...(priority ? { priority } : {}),
      };
      const [sent] = await sendAndReport(services, [entry], notification, 'api');
      return summarizeResult(sent.result);
    },
    deviceNames() {
      return services.registry.valid().map((entry) => entry.label);
    },
    defaultDevice() {
      return services.registry.defaultDevice()?.label;
    },
  };
}
