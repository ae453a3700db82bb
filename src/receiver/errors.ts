/** Stage of the receiver in which a start-up error happened. */
export type ReceiverStage = 'options' | 'listen';

/** Machine-readable reason why the receiver could not start. */
export type ReceiverErrorCode = 'invalid-option' | 'listen-failed';

/** Error thrown by `startReceiver`, with a `code` and the `stage` that failed. */
export class ReceiverError extends Error {
  override readonly name = 'ReceiverError';

  constructor(
    readonly code: ReceiverErrorCode,
    readonly stage: ReceiverStage,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
