import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { SendDeadline } from './deadline';
import { classifyError } from './errors';
import { fingerprintsMatch, formatFingerprint } from './fingerprint';
import { hostLiteral, type ResolvedAddress } from './resolve';
import type { DeviceTarget, SendErrorCode, SendStage } from './types';

/** Longest acknowledgement read before the reply counts as wrong. */
export const ACK_MAX_BYTES = 1024;
/** Time a connection check waits for the peer to close before it destroys the socket. */
export const CHECK_CLOSE_GRACE_MS = 1000;
/** Longest reply text quoted in an `ack-mismatch` message. */
const REPLY_QUOTE_MAX_CHARS = 80;

export interface AttemptPlan {
  device: DeviceTarget;
  target: ResolvedAddress;
  /** Bytes to send; `undefined` for a connection check, which closes right after connecting. */
  payload?: Buffer;
  /** Time for the TCP connect on this address before the next address is tried. */
  connectBudgetMs: number;
  /** Deadline of the whole send, which also carries the caller's cancellation. */
  deadline: SendDeadline;
}

export type AttemptResult =
  | { ok: true; outcome: 'sent' | 'delivered'; bytes: number }
  | {
      ok: false;
      code: SendErrorCode;
      stage: SendStage;
      bytes: number;
      cause?: unknown;
      detail?: string;
      /** The connect budget of this address ran out while the send's deadline had not. */
      connectBudgetExpired?: boolean;
    };

/**
 * Runs one connection to one address: connect, TLS when configured, write, acknowledgement
 * when configured, close. The promise always resolves, exactly once, and never rejects.
 *
 * The payload is written with `end()`, so the receiver sees end of stream right after it. With
 * an acknowledgement the socket stays open for reading (half-closed) until the reply line.
 * Without one, the send waits for the receiver to close its side, and reports `sent` only after a
 * clean close. A receiver that closes without reading usually causes a reset (`reset`). When
 * its FIN arrives before the payload does, the kernel takes the bytes and the close looks clean,
 * so the result can still be `sent`; only an acknowledgement proves that an application read it.
 */
export function runAttempt(plan: AttemptPlan): Promise<AttemptResult> {
  return new Promise((resolve) => new Attempt(plan, resolve).start());
}

class Attempt {
  private stage: SendStage = 'connect';
  private settled = false;
  private socket: Socket | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private bytesWritten = 0;
  private reply = '';

  constructor(
    private readonly plan: AttemptPlan,
    private readonly resolve: (result: AttemptResult) => void,
  ) {}

  start(): void {
    const { deadline } = this.plan;
    if (deadline.abortCause !== undefined) {
      this.onAbort();
      return;
    }
    deadline.onAbort(this.onAbort);

    let socket: Socket;
    try {
      socket = this.openSocket();
    } catch (error) {
      this.fail(this.plan.device.tls ? 'tls-failed' : 'unknown', error);
      return;
    }
    this.socket = socket;
    // Kept for the whole life of the socket, so a late error after settling is swallowed
    // instead of crashing the process.
    socket.on('error', (error) => this.fail(classifyError(error, this.stage), error));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('close', () => this.onClose());

    if (this.plan.device.tls) {
      socket.once('connect', () => this.enterStage('tls'));
      socket.once('secureConnect', () => this.onSecureConnect(socket as TLSSocket));
    } else {
      socket.once('connect', () => this.onConnected());
    }

    if (Number.isFinite(this.plan.connectBudgetMs)) {
      this.connectTimer = setTimeout(
        () => this.onConnectBudgetExpired(),
        this.plan.connectBudgetMs,
      );
    }
  }

  private openSocket(): Socket {
    const { device, target } = this.plan;
    if (!device.tls) {
      return netConnect({ host: target.address, port: device.port });
    }
    const pinned = device.tls.fingerprint !== undefined;
    const literal = hostLiteral(device.host);
    return tlsConnect({
      host: target.address,
      port: device.port,
      // SNI and the identity check use the configured name. An IP address gets no SNI
      // (RFC 6066 allows only host names) and is checked against the certificate's IP SANs.
      servername: isIP(literal) === 0 ? literal : undefined,
      ca: device.tls.ca,
      // A pin replaces chain validation; `onSecureConnect` checks it before any byte is written.
      rejectUnauthorized: !pinned,
    });
  }

  private enterStage(stage: SendStage): void {
    this.stage = stage;
    if (stage !== 'connect') {
      clearTimeout(this.connectTimer);
    }
  }

  private onSecureConnect(socket: TLSSocket): void {
    if (this.settled) {
      return;
    }
    const pin = this.plan.device.tls?.fingerprint;
    if (pin === undefined) {
      if (!socket.authorized) {
        this.fail('tls-untrusted', socket.authorizationError);
        return;
      }
    } else {
      const actual = socket.getPeerCertificate()?.fingerprint256;
      if (!actual || !fingerprintsMatch(pin, actual)) {
        this.fail(
          'fingerprint-mismatch',
          undefined,
          actual ? formatFingerprint(actual) : undefined,
        );
        return;
      }
    }
    this.onConnected();
  }

  private onConnected(): void {
    if (this.settled || !this.socket) {
      return;
    }
    const socket = this.socket;
    const payload = this.plan.payload;
    if (payload === undefined) {
      this.succeed('sent');
      this.closeGracefully(socket);
      return;
    }

    this.enterStage('write');
    socket.end(payload, (error?: Error | null) => {
      if (error || this.settled) {
        return;
      }
      this.bytesWritten = payload.length;
      this.enterStage(this.plan.device.ack ? 'ack' : 'close');
    });
  }

  private onData(chunk: Buffer): void {
    // Without an acknowledgement, incoming bytes are read only so the receiver never blocks.
    if (this.settled || !this.plan.device.ack) {
      return;
    }
    this.reply += chunk.toString('utf8');
    const newline = this.reply.indexOf('\n');
    if (newline >= 0) {
      this.checkReply(this.reply.slice(0, newline));
    } else if (Buffer.byteLength(this.reply, 'utf8') > ACK_MAX_BYTES) {
      this.checkReply(this.reply);
    }
  }

  private onEnd(): void {
    if (this.settled || !this.plan.device.ack || this.stage === 'connect' || this.stage === 'tls') {
      return;
    }
    // A reply without a final line break still counts when the peer closes after it.
    if (this.reply.trim() !== '') {
      this.checkReply(this.reply);
    } else {
      this.fail('ack-missing');
    }
  }

  private onClose(): void {
    if (this.settled) {
      return;
    }
    switch (this.stage) {
      case 'close':
        this.succeed('sent');
        return;
      case 'ack':
        this.fail('ack-missing');
        return;
      case 'tls':
        this.fail('tls-failed');
        return;
      default:
        this.fail('peer-closed');
    }
  }

  private checkReply(line: string): void {
    const expected = this.plan.device.ack?.expect.trim() ?? '';
    const received = line.trim();
    if (received === expected) {
      this.bytesWritten = this.plan.payload?.length ?? 0;
      this.succeed('delivered');
      this.socket?.destroy();
      return;
    }
    const quoted =
      received.length > REPLY_QUOTE_MAX_CHARS
        ? `${received.slice(0, REPLY_QUOTE_MAX_CHARS)}…`
        : received;
    this.fail('ack-mismatch', undefined, quoted);
  }

  private readonly onAbort = (): void => {
    this.fail(this.plan.deadline.abortCause === 'cancelled' ? 'cancelled' : 'timed-out');
  };

  private onConnectBudgetExpired(): void {
    if (this.settled || this.stage !== 'connect') {
      return;
    }
    const cause = Object.assign(new Error('Connection attempt timed out'), { code: 'ETIMEDOUT' });
    this.settle({
      ok: false,
      code: 'timed-out',
      stage: 'connect',
      bytes: 0,
      cause,
      connectBudgetExpired: true,
    });
  }

  /** Ends a connection check politely, and destroys the socket if the peer does not close. */
  private closeGracefully(socket: Socket): void {
    const timer = setTimeout(() => socket.destroy(), CHECK_CLOSE_GRACE_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    socket.end();
  }

  private succeed(outcome: 'sent' | 'delivered'): void {
    this.settle({ ok: true, outcome, bytes: this.bytesWritten });
  }

  private fail(code: SendErrorCode, cause?: unknown, detail?: string): void {
    this.settle({ ok: false, code, stage: this.stage, bytes: this.bytesWritten, cause, detail });
  }

  private settle(result: AttemptResult): void {
    if (this.settled) {
      return;
    }
    this.settled = true;
    clearTimeout(this.connectTimer);
    this.plan.deadline.offAbort(this.onAbort);
    if (!result.ok) {
      this.socket?.destroy();
    }
    this.resolve(result);
  }
}
