import type { Socket } from 'node:net';
import { createFrameDecoder, type FrameDecoder } from './framing';
import type { ResolvedReceiverOptions } from './options';
import { decodeLineMessage, parseJsonNotification } from './payload';
import { tokensEqual } from './token';
import type { ReceivedNotification, ReceiverCounters, ReceiverLogEntry } from './types';

/**
 * Reads notifications from one accepted socket until it closes.
 * The caller tracks the socket's 'close' event and the open-connection count.
 */
export function serveConnection(
  socket: Socket,
  from: string,
  options: ResolvedReceiverOptions,
  counters: ReceiverCounters,
): void {
  new Connection(socket, from, options, counters).start();
}

class Connection {
  private readonly decoder: FrameDecoder;
  /** Set once the connection must not deliver any more notifications. */
  private stopped = false;
  private waitingForDrain = false;

  constructor(
    private readonly socket: Socket,
    private readonly from: string,
    private readonly options: ResolvedReceiverOptions,
    private readonly counters: ReceiverCounters,
  ) {
    this.decoder = createFrameDecoder(options.framing, options.maxMessageBytes);
  }

  start(): void {
    // This listener stays for the socket's whole life, so no socket error can crash the process.
    this.socket.on('error', (error) => this.handleError(error));
    this.socket.setTimeout(this.options.idleTimeoutMs, () => this.handleIdleTimeout());
    this.socket.on('data', (chunk: Buffer) => this.handleData(chunk));
    this.socket.on('end', () => this.handleEnd());
  }

  private handleData(chunk: Buffer): void {
    if (this.stopped) {
      // The client keeps sending after its connection was rejected.
      this.socket.destroy();
      return;
    }
    const result = this.decoder.push(chunk);
    for (const frame of result.frames) {
      this.handleFrame(frame);
      if (this.stopped) {
        return;
      }
    }
    if (result.tooLarge) {
      this.rejectTooLarge();
    }
  }

  private handleEnd(): void {
    if (!this.stopped) {
      const rest = this.decoder.end();
      if (rest.frame !== undefined) {
        this.handleFrame(rest.frame);
      }
      if (rest.tooLarge) {
        this.rejectTooLarge();
      }
      if (rest.incompleteBytes > 0) {
        this.log('warn', 'incomplete-frame', {
          message:
            `The connection from ${this.from} ended inside a frame, so ` +
            `${rest.incompleteBytes} bytes were dropped.`,
        });
      }
    }
    // The server allows half-open connections, so the receiver ends its own side here.
    if (!this.socket.destroyed) {
      this.socket.end();
    }
  }

  private handleFrame(frame: Buffer): void {
    if (frame.length === 0) {
      return;
    }
    const notification = this.decodeNotification(frame);
    if (notification !== undefined) {
      this.deliver(notification);
    }
  }

  /** Returns undefined, after logging, for a message that is rejected. */
  private decodeNotification(frame: Buffer): ReceivedNotification | undefined {
    // toString replaces invalid UTF-8 sequences with U+FFFD.
    const text = frame.toString('utf8');
    const base = { receivedAt: new Date(), from: this.from, framing: this.options.framing };
    switch (this.options.framing) {
      case 'raw':
      case 'length-prefixed':
        return { ...base, message: text };
      case 'line':
        return { ...base, message: decodeLineMessage(text, this.options.lineBreaks) };
      case 'json':
        return this.decodeJsonNotification(text, base);
    }
  }

  private decodeJsonNotification(
    text: string,
    base: Pick<ReceivedNotification, 'receivedAt' | 'from' | 'framing'>,
  ): ReceivedNotification | undefined {
    const parsed = parseJsonNotification(text);
    if (!parsed.ok) {
      this.counters.messagesRejected += 1;
      this.log('warn', parsed.code, {
        message: `Rejected a message from ${this.from}: ${parsed.reason}.`,
      });
      return undefined;
    }
    const { token, ...fields } = parsed.fields;
    if (this.options.token !== undefined && !this.acceptToken(token, this.options.token)) {
      return undefined;
    }
    return { ...base, ...fields };
  }

  /** Logs and stops the connection unless `received` equals the configured token. */
  private acceptToken(received: string | undefined, expected: string): boolean {
    if (received !== undefined && tokensEqual(received, expected)) {
      return true;
    }
    this.counters.messagesRejected += 1;
    const problem = received === undefined ? 'has no token' : 'has a wrong token';
    this.log('warn', 'token-rejected', {
      message:
        `Rejected a message from ${this.from} and closed the connection: it ${problem}. ` +
        `Set the same token on the sender.`,
    });
    this.stopped = true;
    this.socket.end();
    return false;
  }

  private deliver(notification: ReceivedNotification): void {
    this.counters.notifications += 1;
    try {
      const result = this.options.onNotification(notification);
      if (result instanceof Promise) {
        result.catch((error: unknown) => this.logCallbackFailure(error));
      }
    } catch (error) {
      this.logCallbackFailure(error);
    }
    this.writeAck();
  }

  private writeAck(): void {
    if (this.options.ack === undefined || !this.socket.writable) {
      return;
    }
    const flushed = this.socket.write(`${this.options.ack}\n`);
    // A client that never reads its acks must not grow the receiver's write buffer.
    if (!flushed && !this.waitingForDrain) {
      this.waitingForDrain = true;
      this.socket.pause();
      this.socket.once('drain', () => {
        this.waitingForDrain = false;
        this.socket.resume();
      });
    }
  }

  private rejectTooLarge(): void {
    this.stopped = true;
    this.counters.messagesTooLarge += 1;
    this.log('warn', 'message-too-large', {
      message:
        `Closed the connection from ${this.from}: a message exceeded ` +
        `${this.options.maxMessageBytes} bytes. Raise the maximum message size ` +
        `if this sender's messages are that large.`,
    });
    this.socket.destroy();
  }

  private handleIdleTimeout(): void {
    this.counters.idleTimeouts += 1;
    this.log('info', 'idle-timeout', {
      message:
        `Closed the connection from ${this.from} after ` +
        `${this.options.idleTimeoutMs} ms without traffic.`,
    });
    this.socket.destroy();
  }

  private handleError(error: NodeJS.ErrnoException): void {
    this.counters.socketErrors += 1;
    const reason = error.code ?? error.message;
    this.log('warn', 'socket-error', {
      message: `The connection from ${this.from} failed: ${reason}.`,
      error,
    });
  }

  private logCallbackFailure(error: unknown): void {
    this.log('error', 'callback-failed', {
      message: `The notification handler failed for a message from ${this.from}: ${String(error)}.`,
      error: error instanceof Error ? error : undefined,
    });
  }

  private log(
    level: ReceiverLogEntry['level'],
    code: ReceiverLogEntry['code'],
    details: Pick<ReceiverLogEntry, 'message' | 'error'>,
  ): void {
    const entry: ReceiverLogEntry = { level, code, from: this.from, message: details.message };
    if (details.error !== undefined) {
      entry.error = details.error;
    }
    this.options.onLog(entry);
  }
}
