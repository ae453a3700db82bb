import type { Framing, Priority, TaskInfo } from '../sender/types';

/** One notification as the receiver decoded it. */
export interface ReceivedNotification {
  receivedAt: Date;
  /** Remote `ip:port` of the sender, with IPv6 addresses in brackets. */
  from: string;
  framing: Framing;
  /** Only the `json` framing carries a separate title. */
  title?: string;
  message: string;
  priority?: Priority;
  source?: string;
  /** The sender's `timestamp` field (`json` framing only). */
  sentAt?: Date;
  task?: TaskInfo;
}

/** Reason of a log entry. */
export type ReceiverLogCode =
  | 'message-too-large'
  | 'idle-timeout'
  | 'connection-limit'
  | 'invalid-json'
  | 'invalid-notification'
  | 'token-rejected'
  | 'incomplete-frame'
  | 'socket-error'
  | 'callback-failed'
  | 'server-error';

/** One event that the receiver handled without stopping, such as a rejected client. */
export interface ReceiverLogEntry {
  level: 'info' | 'warn' | 'error';
  code: ReceiverLogCode;
  /** One sentence that names the client and, where one exists, the next step. */
  message: string;
  /** Remote `ip:port` of the client involved. */
  from?: string;
  error?: Error;
}

/** Running totals since the receiver started. */
export interface ReceiverCounters {
  connectionsAccepted: number;
  /** Connections closed at once because `maxConnections` were already open. */
  connectionsRejected: number;
  openConnections: number;
  notifications: number;
  /** Messages dropped for invalid JSON, invalid fields or a wrong or missing token. */
  messagesRejected: number;
  /** Connections closed because a message exceeded `maxMessageBytes`. */
  messagesTooLarge: number;
  idleTimeouts: number;
  socketErrors: number;
}
