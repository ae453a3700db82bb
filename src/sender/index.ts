/**
 * Sender service: delivers notifications to devices over plain TCP or TLS. Plain Node, with no
 * `vscode` import, so it runs in the extension host, in tests and in benchmarks alike.
 */
export { encodeNotification, type EncodedNotification } from './framing';
export { DEFAULT_CONCURRENCY, sendToMany, type SendToManyOptions } from './many';
export type { LookupFunction, ResolvedAddress } from './resolve';
export { sendNotification, testConnection, type SendOptions } from './send';
export { TRUNCATION_MARKER, truncateUtf8 } from './truncate';
export { MIN_MAX_BYTES, validateNotification, validateTarget } from './validate';
export type * from './types';
