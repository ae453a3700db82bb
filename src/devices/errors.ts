/**
 * Errors raised while turning a device entry from settings into something the sender can use.
 * Each one carries a `code`, the `stage` that failed and the device name; `message` is a
 * sentence for the user that names the device and the next step.
 */

export type DeviceSetupStage = 'settings' | 'token' | 'tls-ca';

export type DeviceSetupErrorCode =
  'invalid-device' | 'token-unavailable' | 'ca-file-path' | 'ca-file-unreadable';

export class DeviceSetupError extends Error {
  constructor(
    readonly code: DeviceSetupErrorCode,
    readonly stage: DeviceSetupStage,
    readonly device: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeviceSetupError';
  }
}

/**
 * SecretStorage failed to read, write or delete a device token. A send must stop here: going on
 * without the token would send an unauthenticated notification.
 */
export class TokenUnavailableError extends DeviceSetupError {
  constructor(
    device: string,
    readonly operation: 'read' | 'write' | 'delete',
    cause: unknown,
  ) {
    super(
      'token-unavailable',
      'token',
      device,
      `Could not ${operation} the token of device "${device}": VS Code's secret storage failed ` +
        `(${causeText(cause)}). Check the OS keyring, then try again.`,
      { cause },
    );
    this.name = 'TokenUnavailableError';
  }
}

/** The `tlsCaFile` of a device cannot be resolved or read. */
export class CaFileError extends DeviceSetupError {
  constructor(
    code: 'ca-file-path' | 'ca-file-unreadable',
    device: string,
    readonly file: string,
    message: string,
    cause?: unknown,
  ) {
    super(code, 'tls-ca', device, message, cause === undefined ? undefined : { cause });
    this.name = 'CaFileError';
  }
}

export function causeText(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${code}: ${cause.message}` : cause.message;
  }
  return String(cause);
}
