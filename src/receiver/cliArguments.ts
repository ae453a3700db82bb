import { parseArgs } from 'node:util';
import type { Framing, LineBreakRule } from '../sender/types';
import {
  DEFAULT_HOST,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_MESSAGE_BYTES,
} from './options';

export const DEFAULT_PORT = 7878;
export const TOKEN_ENVIRONMENT_VARIABLE = 'DEVICE_PUSH_TOKEN';

const FRAMINGS: readonly Framing[] = ['raw', 'line', 'json', 'length-prefixed'];
const LINE_BREAK_RULES: readonly LineBreakRule[] = ['escape', 'space'];

/** Settings of one CLI run, taken from the command line. */
export interface CliSettings {
  host: string;
  port: number;
  framing: Framing;
  lineBreaks: LineBreakRule;
  ack?: string;
  tokenFile?: string;
  maxMessageBytes: number;
  idleTimeoutMs: number;
  maxConnections: number;
  desktop: boolean;
  help: boolean;
}

/** Invalid command line; the message names the option and the accepted values. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
  readonly code = 'invalid-argument';
}

export const HELP_TEXT = `Usage: node receiver.js [options]

Receives Device Push notifications over TCP and prints one line per notification.

Options:
  --host HOST            Interface to listen on (default ${DEFAULT_HOST}). Use 0.0.0.0 to accept
                         notifications from other computers.
  --port PORT            TCP port (default ${DEFAULT_PORT}); 0 picks a free port.
  --framing NAME         raw, line, json or length-prefixed (default raw). Must match the
                         device's framing in the sender.
  --line-breaks RULE     escape or space (default escape): how the line framing stores line
                         breaks. Must match the sender.
  --ack TEXT             Reply TEXT and a newline after each notification.
  --token-file PATH      Read a shared secret from PATH; needs --framing json. Messages without
                         this token are rejected. The ${TOKEN_ENVIRONMENT_VARIABLE} environment
                         variable is used when this option is absent.
  --max-bytes BYTES      Maximum size of one message (default ${DEFAULT_MAX_MESSAGE_BYTES}).
                         Larger messages close the connection.
  --idle-timeout SECONDS Close connections silent for this long (default ${DEFAULT_IDLE_TIMEOUT_MS / 1000}).
  --max-connections N    Maximum open connections (default ${DEFAULT_MAX_CONNECTIONS}); more are
                         closed at once.
  --no-desktop           Only print, even where notify-send can show a desktop notification.
  -h, --help             Show this help.
`;

/** Parses the command line and throws `CliUsageError` for an unknown or invalid option. */
export function parseCliArguments(argv: readonly string[]): CliSettings {
  rejectTokenArgument(argv);
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        framing: { type: 'string' },
        'line-breaks': { type: 'string' },
        ack: { type: 'string' },
        'token-file': { type: 'string' },
        'max-bytes': { type: 'string' },
        'idle-timeout': { type: 'string' },
        'max-connections': { type: 'string' },
        'no-desktop': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  return {
    host: readHost(values.host),
    port: readInteger('--port', values.port, DEFAULT_PORT, 0, 65_535),
    framing: readChoice('--framing', values.framing, FRAMINGS, 'raw'),
    lineBreaks: readChoice('--line-breaks', values['line-breaks'], LINE_BREAK_RULES, 'escape'),
    ack: readAck(values.ack),
    tokenFile: values['token-file'],
    maxMessageBytes: readInteger(
      '--max-bytes',
      values['max-bytes'],
      DEFAULT_MAX_MESSAGE_BYTES,
      1,
      2 ** 32 - 1,
    ),
    idleTimeoutMs: readSeconds('--idle-timeout', values['idle-timeout'], DEFAULT_IDLE_TIMEOUT_MS),
    maxConnections: readInteger(
      '--max-connections',
      values['max-connections'],
      DEFAULT_MAX_CONNECTIONS,
      1,
      100_000,
    ),
    desktop: values['no-desktop'] !== true,
    help: values.help === true,
  };
}

/** Rejects `--token`, because every user can read a process's arguments in the process list. */
function rejectTokenArgument(argv: readonly string[]): void {
  if (argv.some((argument) => argument === '--token' || argument.startsWith('--token='))) {
    throw new CliUsageError(
      `--token is not accepted, because other users can read the command line. ` +
        `Use --token-file PATH or the ${TOKEN_ENVIRONMENT_VARIABLE} environment variable.`,
    );
  }
}

function readHost(value: string | undefined): string {
  if (value === undefined) {
    return DEFAULT_HOST;
  }
  if (value.trim() === '') {
    throw new CliUsageError('Invalid --host: empty. Use an address such as 127.0.0.1 or 0.0.0.0.');
  }
  return value.trim();
}

function readAck(value: string | undefined): string | undefined {
  if (value !== undefined && (value === '' || /[\r\n]/.test(value))) {
    throw new CliUsageError('Invalid --ack: expected non-empty text without line breaks.');
  }
  return value;
}

function readInteger(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) {
    return fallback;
  }
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= min && number <= max)) {
    throw new CliUsageError(
      `Invalid ${name}: "${value}". Expected an integer from ${min} to ${max}.`,
    );
  }
  return number;
}

function readSeconds(name: string, value: string | undefined, fallbackMs: number): number {
  if (value === undefined) {
    return fallbackMs;
  }
  const milliseconds = /^\d+(\.\d+)?$/.test(value) ? Math.round(Number(value) * 1000) : Number.NaN;
  if (!(milliseconds >= 1 && milliseconds <= 2 ** 31 - 1)) {
    throw new CliUsageError(
      `Invalid ${name}: "${value}". Expected a number of seconds from 0.001 to 2147483.`,
    );
  }
  return milliseconds;
}

function readChoice<T extends string>(
  name: string,
  value: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) {
    return fallback;
  }
  if (!choices.includes(value as T)) {
    throw new CliUsageError(`Invalid ${name}: "${value}". Expected one of ${choices.join(', ')}.`);
  }
  return value as T;
}
