/**
 * Loopback receivers with scripted behaviour for sender tests. Every receiver listens on port 0,
 * records what it reads, and destroys its open connections on `close()`.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';

export type LoopbackHost = '127.0.0.1' | '::1';

export interface Receiver {
  host: LoopbackHost;
  port: number;
  /** Connections accepted so far. */
  connectionCount: number;
  /** Most connections open at the same time. */
  maxOpenConnections: number;
  /** Bytes of each connection, recorded when the connection ends or closes, in that order. */
  messages: Buffer[];
  /** SNI server name of each TLS connection (`false` when the client sent none). */
  servernames: (string | false)[];
  /** Resolves with the next recorded message, including ones recorded before the call. */
  nextMessage(): Promise<Buffer>;
  /** Resolves once every accepted connection has closed. */
  allClosed(): Promise<void>;
  /** Replaces the certificate of a TLS receiver. */
  setCertificate(certificate: { cert: string; key: string }): void;
  close(): Promise<void>;
}

/** Called for each accepted connection. `record` stores bytes as one message, once. */
type ConnectionScript = (socket: net.Socket, record: (bytes: Buffer) => void) => void;

interface ReceiverOptions {
  host?: LoopbackHost;
  tls?: { cert: string; key: string };
}

async function startReceiver(
  script: ConnectionScript,
  options: ReceiverOptions = {},
): Promise<Receiver> {
  const host = options.host ?? '127.0.0.1';
  const open = new Set<net.Socket>();
  const messages: Buffer[] = [];
  const waiting: ((message: Buffer) => void)[] = [];
  const closeWaiters: (() => void)[] = [];
  let delivered = 0;

  const receiver: Receiver = {
    host,
    port: 0,
    connectionCount: 0,
    maxOpenConnections: 0,
    messages,
    servernames: [],
    nextMessage() {
      if (delivered < messages.length) {
        delivered += 1;
        return Promise.resolve(messages[delivered - 1]);
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    allClosed() {
      if (open.size === 0) {
        return Promise.resolve();
      }
      return new Promise((resolve) => closeWaiters.push(resolve));
    },
    setCertificate(certificate) {
      (server as tls.Server).setSecureContext(certificate);
    },
    async close() {
      for (const socket of [...open, ...rawSockets]) {
        socket.destroy();
      }
      server.close();
      await once(server, 'close');
    },
  };

  const onConnection = (socket: net.Socket): void => {
    receiver.connectionCount += 1;
    open.add(socket);
    receiver.maxOpenConnections = Math.max(receiver.maxOpenConnections, open.size);
    if (socket instanceof tls.TLSSocket) {
      receiver.servernames.push(socket.servername ?? false);
    }
    // Resets and aborted handshakes are part of the scripts; they must not crash the test run.
    socket.on('error', () => {});
    socket.on('close', () => {
      open.delete(socket);
      if (open.size === 0) {
        closeWaiters.splice(0).forEach((resolve) => resolve());
      }
    });

    let recorded = false;
    const record = (bytes: Buffer): void => {
      if (recorded) {
        return;
      }
      recorded = true;
      const resolve = waiting.shift();
      messages.push(bytes);
      if (resolve) {
        delivered += 1;
        resolve(bytes);
      }
    };
    script(socket, record);
  };

  // Half-open connections stay open, so each script decides when its side ends.
  const server = options.tls
    ? tls.createServer(
        { cert: options.tls.cert, key: options.tls.key, allowHalfOpen: true },
        onConnection,
      )
    : net.createServer({ allowHalfOpen: true }, onConnection);
  server.on('tlsClientError', () => {});
  // A TLS server with half-open connections keeps a socket whose client left mid-handshake, and
  // its close() then never completes, so every raw TCP socket is tracked and destroyed on close.
  const rawSockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    rawSockets.add(socket);
    socket.on('close', () => rawSockets.delete(socket));
    socket.on('error', () => {});
  });
  server.listen(0, host);
  await once(server, 'listening');
  receiver.port = (server.address() as net.AddressInfo).port;
  return receiver;
}

/** Collects every byte of a connection and records them at end of stream or close. */
function collectAll(socket: net.Socket, record: (bytes: Buffer) => void): Buffer[] {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('end', () => record(Buffer.concat(chunks)));
  socket.on('close', () => record(Buffer.concat(chunks)));
  return chunks;
}

/** Reads until end of stream, records the bytes, then closes its side. */
export function startReadingReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  return startReceiver((socket, record) => {
    collectAll(socket, record);
    socket.on('end', () => socket.end());
  }, options);
}

/** Reads `chunkBytes` at a time with a pause of `pauseMs` between reads, then closes. */
export function startSlowReceiver(
  pauseMs: number,
  options: ReceiverOptions = {},
): Promise<Receiver> {
  return startReceiver((socket, record) => {
    collectAll(socket, record);
    socket.on('data', () => {
      socket.pause();
      setTimeout(() => socket.resume(), pauseMs);
    });
    socket.on('end', () => socket.end());
  }, options);
}

/** Accepts connections and never reads, so the sender's writes stall once buffers are full. */
export function startNeverReadingReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  return startReceiver((socket) => {
    socket.pause();
  }, options);
}

/** Reads everything but never closes and never replies. */
export function startSilentReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  return startReceiver((socket, record) => {
    collectAll(socket, record);
  }, options);
}

/** Destroys each connection as soon as it is accepted, without reading. */
export function startClosingReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  return startReceiver((socket) => {
    socket.destroy();
  }, options);
}

/** Reads the first chunk, records it, and closes, like a one-`recv()` script. */
export function startFirstChunkReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  return startReceiver((socket, record) => {
    socket.once('data', (chunk: Buffer) => {
      record(chunk);
      socket.destroy();
    });
  }, options);
}

/** Reads the first chunk, then resets the connection (RST instead of FIN). */
export function startResettingReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  return startReceiver((socket, record) => {
    socket.once('data', (chunk: Buffer) => {
      record(chunk);
      socket.resetAndDestroy();
    });
  }, options);
}

/**
 * Reads up to the first line break, or to end of stream, then writes `reply` and a line break
 * and closes. Records what it read before replying.
 */
export function startAckReceiver(reply: string, options: ReceiverOptions = {}): Promise<Receiver> {
  return startReceiver((socket, record) => {
    const chunks: Buffer[] = [];
    let replied = false;
    const answer = (): void => {
      if (replied) {
        return;
      }
      replied = true;
      record(Buffer.concat(chunks));
      socket.end(`${reply}\n`);
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (chunk.includes(0x0a)) {
        answer();
      }
    });
    socket.on('end', answer);
  }, options);
}

/** Writes `banner` as soon as a connection opens, then reads and closes like a reading receiver. */
export function startGreetingReceiver(
  banner: string,
  options: ReceiverOptions = {},
): Promise<Receiver> {
  return startReceiver((socket, record) => {
    socket.write(banner);
    collectAll(socket, record);
    socket.on('end', () => socket.end());
  }, options);
}

/** Reading receiver that keeps each connection open for `holdMs` after end of stream. */
export function startLingeringReceiver(
  holdMs: number,
  options: ReceiverOptions = {},
): Promise<Receiver> {
  return startReceiver((socket, record) => {
    collectAll(socket, record);
    socket.on('end', () => {
      setTimeout(() => socket.end(), holdMs);
    });
  }, options);
}

/** Returns a port on `host` that was free a moment ago, for peers that cannot use port 0. */
export async function findFreePort(host: LoopbackHost = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Counts live TCP socket handles of this process, to check that sockets get destroyed. */
export function countSocketHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
}
