import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import {
  CliUsageError,
  HELP_TEXT,
  TOKEN_ENVIRONMENT_VARIABLE,
  parseCliArguments,
  type CliSettings,
} from './cliArguments';
import { createDesktopNotifier, findNotifySend } from './desktop';
import { formatNotificationLine } from './display';
import { createRateLimitedLog } from './logLimiter';
import { ReceiverError, startReceiver, type Receiver } from './receiver';
import type { ReceivedNotification } from './types';

/** Exit codes of the receiver command. */
export const EXIT_OK = 0;
export const EXIT_START_FAILED = 1;
export const EXIT_USAGE = 2;

/** Streams and environment of one CLI run, replaceable in tests. */
export interface CliEnvironment {
  env: NodeJS.ProcessEnv;
  writeOut: (text: string) => void;
  writeError: (text: string) => void;
  /** Resolves with the signal name when the process is asked to stop. */
  waitForStop: () => Promise<string>;
}

/**
 * Runs the receiver command until SIGINT or SIGTERM and resolves with the exit code.
 * Standard output gets the "Listening on" line and one line per notification; standard
 * error gets warnings and log entries.
 */
export async function runReceiverCli(
  argv: readonly string[],
  environment: CliEnvironment,
): Promise<number> {
  const { writeOut, writeError } = environment;
  let settings: CliSettings;
  let token: string | undefined;
  try {
    settings = parseCliArguments(argv);
    if (settings.help) {
      writeOut(HELP_TEXT);
      return EXIT_OK;
    }
    token = readToken(settings, environment);
  } catch (error) {
    if (error instanceof CliUsageError) {
      writeError(`${error.message}\nRun with --help to list the options.\n`);
      return EXIT_USAGE;
    }
    throw error;
  }

  const receiver = await startFromSettings(settings, token, environment);
  if (receiver === undefined) {
    return EXIT_START_FAILED;
  }
  const { host, port } = receiver.address;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  writeOut(`Listening on ${shownHost}:${port} (framing ${settings.framing})\n`);
  if (!isLoopback(host)) {
    writeError(
      `Warning: listening on ${host} accepts connections from other computers. ` +
        `Use --framing json with --token-file to reject unknown senders.\n`,
    );
  }

  const signal = await environment.waitForStop();
  writeError(`Stopping (${signal}).\n`);
  await receiver.close();
  const counters = receiver.counters;
  writeError(
    `Stopped: ${counters.notifications} notifications, ${counters.messagesRejected} rejected, ` +
      `${counters.messagesTooLarge} too large, ${counters.connectionsRejected} connections over the limit.\n`,
  );
  return EXIT_OK;
}

async function startFromSettings(
  settings: CliSettings,
  token: string | undefined,
  environment: CliEnvironment,
): Promise<Receiver | undefined> {
  const log = createRateLimitedLog((line) => environment.writeError(`${line}\n`));
  const showOnDesktop = createDesktopOutput(settings, environment);
  const onNotification = (notification: ReceivedNotification) => {
    environment.writeOut(`${formatNotificationLine(notification)}\n`);
    showOnDesktop?.(notification);
  };
  try {
    return await startReceiver({
      host: settings.host,
      port: settings.port,
      framing: settings.framing,
      lineBreaks: settings.lineBreaks,
      ack: settings.ack,
      token,
      maxMessageBytes: settings.maxMessageBytes,
      idleTimeoutMs: settings.idleTimeoutMs,
      maxConnections: settings.maxConnections,
      onNotification,
      onLog: log,
    });
  } catch (error) {
    if (error instanceof ReceiverError) {
      environment.writeError(`${error.message}\n`);
      return undefined;
    }
    throw error;
  }
}

function createDesktopOutput(
  settings: CliSettings,
  environment: CliEnvironment,
): ((notification: ReceivedNotification) => void) | undefined {
  if (!settings.desktop) {
    return undefined;
  }
  const command = findNotifySend(environment.env);
  if (command === undefined) {
    return undefined;
  }
  environment.writeError(`Desktop notifications: on, through ${command}.\n`);
  const log = createRateLimitedLog((line) => environment.writeError(`${line}\n`));
  return createDesktopNotifier(command, (message) =>
    log({ level: 'warn', code: 'desktop-failed', message }),
  );
}

/**
 * Reads the token from `--token-file`, else from the environment variable. Throws
 * `CliUsageError` for an unreadable or empty file and for a token without json framing.
 */
function readToken(settings: CliSettings, environment: CliEnvironment): string | undefined {
  let token: string | undefined;
  if (settings.tokenFile !== undefined) {
    token = readTokenFile(settings.tokenFile, environment);
  } else {
    const fromEnvironment = environment.env[TOKEN_ENVIRONMENT_VARIABLE]?.trim();
    token = fromEnvironment === '' ? undefined : fromEnvironment;
  }
  if (token !== undefined && settings.framing !== 'json') {
    throw new CliUsageError(
      `A token needs --framing json, because only json messages carry one ` +
        `(framing is ${settings.framing}). Add --framing json or remove the token.`,
    );
  }
  return token;
}

function readTokenFile(path: string, environment: CliEnvironment): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new CliUsageError(`Could not read --token-file ${path}: ${reason}.`);
  }
  const token = text.trim();
  if (token === '' || /[\r\n]/.test(token)) {
    throw new CliUsageError(
      `Invalid --token-file ${path}: expected one line with the token, found ` +
        `${token === '' ? 'nothing' : 'several lines'}.`,
    );
  }
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    environment.writeError(
      `Warning: other users can read ${path}. Restrict it with: chmod 600 ${path}\n`,
    );
  }
  return token;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') {
    return true;
  }
  const ipv4 = host.startsWith('::ffff:') ? host.slice('::ffff:'.length) : host;
  return isIP(ipv4) === 4 && ipv4.startsWith('127.');
}
