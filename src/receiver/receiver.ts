import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { serveConnection } from './connection';
import { ReceiverError } from './errors';
import {
  resolveReceiverOptions,
  type ReceiverOptions,
  type ResolvedReceiverOptions,
} from './options';
import type { ReceiverCounters } from './types';

export { ReceiverError } from './errors';
export type { ReceiverErrorCode, ReceiverStage } from './errors';
export {
  DEFAULT_HOST,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_MESSAGE_BYTES,
} from './options';
export type { ReceiverOptions } from './options';
export type {
  ReceivedNotification,
  ReceiverCounters,
  ReceiverLogCode,
  ReceiverLogEntry,
} from './types';

/** A listening receiver. */
export interface Receiver {
  /** Address and port the server is bound to; the real port when `port` was 0. */
  readonly address: { host: string; port: number };
  /** Copy of the running totals. */
  readonly counters: ReceiverCounters;
  /** Stops listening and destroys every open connection. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Starts a TCP server that decodes notifications in one framing and passes each to
 * `options.onNotification`. Rejects with a `ReceiverError` (`invalid-option` or `listen-failed`).
 */
export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const resolved = resolveReceiverOptions(options);
  const counters: ReceiverCounters = {
    connectionsAccepted: 0,
    connectionsRejected: 0,
    openConnections: 0,
    notifications: 0,
    messagesRejected: 0,
    messagesTooLarge: 0,
    idleTimeouts: 0,
    socketErrors: 0,
  };
  const sockets = new Set<Socket>();
  // Half-open connections let a raw client send FIN and still read the ack.
  const server = createServer({ allowHalfOpen: true }, (socket) =>
    acceptConnection(socket, sockets, resolved, counters),
  );
  await listen(server, resolved);
  server.on('error', (error) => {
    resolved.onLog({
      level: 'error',
      code: 'server-error',
      message: `The server failed to accept a connection: ${error.message}.`,
      error,
    });
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    address: { host: address.address, port: address.port },
    get counters() {
      return { ...counters };
    },
    close() {
      closing ??= closeServer(server, sockets);
      return closing;
    },
  };
}

function acceptConnection(
  socket: Socket,
  sockets: Set<Socket>,
  options: ResolvedReceiverOptions,
  counters: ReceiverCounters,
): void {
  const from = formatRemoteAddress(socket);
  if (sockets.size >= options.maxConnections) {
    counters.connectionsRejected += 1;
    socket.on('error', () => undefined);
    socket.destroy();
    options.onLog({
      level: 'warn',
      code: 'connection-limit',
      from,
      message:
        `Closed the connection from ${from} at once: ${options.maxConnections} ` +
        `connections are already open.`,
    });
    return;
  }
  counters.connectionsAccepted += 1;
  counters.openConnections += 1;
  sockets.add(socket);
  socket.on('close', () => {
    sockets.delete(socket);
    counters.openConnections -= 1;
  });
  serveConnection(socket, from, options, counters);
}

function formatRemoteAddress(socket: Socket): string {
  const host = socket.remoteAddress ?? 'unknown';
  const port = socket.remotePort ?? 0;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function listen(server: Server, options: ResolvedReceiverOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const where = `${options.host}:${options.port}`;
      reject(
        new ReceiverError(
          'listen-failed',
          'listen',
          `Could not listen on ${where}: ${error.code ?? error.message}. ` + listenAdvice(error),
          { cause: error },
        ),
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: options.host, port: options.port });
  });
}

function listenAdvice(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return 'Another program uses this port: stop it or choose another port.';
    case 'EACCES':
      return 'Ports below 1024 need extra rights: choose a port from 1024 up.';
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return 'This computer has no such address: use 127.0.0.1, 0.0.0.0 or one of its own addresses.';
    default:
      return 'Check the host and port.';
  }
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const socket of sockets) {
      socket.destroy();
    }
  });
}
