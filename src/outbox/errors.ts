export type OutboxErrorCode = 'lock-timed-out' | 'storage-invalid' | 'storage-failed';

/** Step of the outbox in which an error happened. */
export type OutboxStage = 'lock' | 'read' | 'write';

/** A failure of the outbox's own storage, never of a send. */
export class OutboxError extends Error {
  constructor(
    readonly code: OutboxErrorCode,
    readonly stage: OutboxStage,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutboxError';
  }
}

/** Returns the `code` of a Node file system error, such as `ENOENT`. */
export function fsErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether a process with this id still runs on this machine. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return fsErrorCode(error) === 'EPERM';
  }
}
