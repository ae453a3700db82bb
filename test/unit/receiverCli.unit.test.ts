import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { CliUsageError, DEFAULT_PORT, parseCliArguments } from '../../src/receiver/cliArguments';
import { findNotifySend, notifySendArguments } from '../../src/receiver/desktop';
import { formatNotificationLine } from '../../src/receiver/display';
import { createRateLimitedLog, formatLogLine } from '../../src/receiver/logLimiter';
import type { ReceivedNotification } from '../../src/receiver/types';

const CLI_PATH = join(__dirname, '..', '..', 'src', 'receiver', 'cli.js');
const CLI_TIMEOUT_MS = 15_000;

function notification(fields: Partial<ReceivedNotification>): ReceivedNotification {
  return {
    receivedAt: new Date('2026-05-06T07:08:09.010Z'),
    from: '127.0.0.1:50000',
    framing: 'raw',
    message: 'hello',
    ...fields,
  };
}

void test('arguments use documented defaults', () => {
  assert.deepEqual(parseCliArguments([]), {
    host: '127.0.0.1',
    port: DEFAULT_PORT,
    framing: 'raw',
    lineBreaks: 'escape',
    ack: undefined,
    tokenFile: undefined,
    maxMessageBytes: 65_536,
    idleTimeoutMs: 30_000,
    maxConnections: 32,
    desktop: true,
    help: false,
  });
});

void test('arguments are parsed', () => {
  const settings = parseCliArguments([
    '--host',
    '0.0.0.0',
    '--port=9000',
    '--framing',
    'json',
    '--line-breaks',
    'space',
    '--ack',
    'OK',
    '--token-file',
    '/etc/device-push/token',
    '--max-bytes',
    '1024',
    '--idle-timeout',
    '0.5',
    '--max-connections',
    '4',
    '--no-desktop',
  ]);
  assert.equal(settings.host, '0.0.0.0');
  assert.equal(settings.port, 9000);
  assert.equal(settings.framing, 'json');
  assert.equal(settings.lineBreaks, 'space');
  assert.equal(settings.ack, 'OK');
  assert.equal(settings.tokenFile, '/etc/device-push/token');
  assert.equal(settings.maxMessageBytes, 1024);
  assert.equal(settings.idleTimeoutMs, 500);
  assert.equal(settings.maxConnections, 4);
  assert.equal(settings.desktop, false);
  assert.equal(parseCliArguments(['-h']).help, true);
});

void test('invalid arguments are rejected', () => {
  const cases: [string[], RegExp][] = [
    [['--port', '65536'], /Invalid --port: "65536"/],
    [['--port', '12ab'], /Invalid --port/],
    [['--framing', 'xml'], /Invalid --framing: "xml". Expected one of raw, line/],
    [['--line-breaks', 'tab'], /Invalid --line-breaks/],
    [['--max-bytes', '0'], /Invalid --max-bytes/],
    [['--idle-timeout=-1'], /Invalid --idle-timeout/],
    [['--idle-timeout', '-1'], /argument is ambiguous/],
    [['--idle-timeout', '0'], /Invalid --idle-timeout/],
    [['--max-connections', '1.5'], /Invalid --max-connections/],
    [['--ack', ''], /Invalid --ack/],
    [['--host', ' '], /Invalid --host/],
    [['--token', 'abc'], /--token is not accepted/],
    [['--token=abc'], /--token is not accepted/],
    [['--verbose'], /verbose/],
    [['extra'], /extra/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(
      () => parseCliArguments(argv),
      (error: unknown) => error instanceof CliUsageError && message.test(error.message),
      argv.join(' '),
    );
  }
});

void test('printed line escapes control characters', () => {
  const cases: [Partial<ReceivedNotification>, string][] = [
    [{}, '2026-05-06T07:08:09.010Z 127.0.0.1:50000 hello'],
    [{ title: 'Build', message: 'ok' }, '2026-05-06T07:08:09.010Z 127.0.0.1:50000 Build: ok'],
    [{ message: 'echoed\n' }, '2026-05-06T07:08:09.010Z 127.0.0.1:50000 echoed'],
    [{ message: 'a\r\nb\tc' }, '2026-05-06T07:08:09.010Z 127.0.0.1:50000 a\\r\\nb\tc'],
    [
      { message: '\x1b[2Jx\x07\u009b' },
      '2026-05-06T07:08:09.010Z 127.0.0.1:50000 \\x1b[2Jx\\x07\\x9b',
    ],
    [{ message: 'emoji 😀 ü' }, '2026-05-06T07:08:09.010Z 127.0.0.1:50000 emoji 😀 ü'],
    [{ message: 'abc\u202eexe.txt' }, '2026-05-06T07:08:09.010Z 127.0.0.1:50000 abc\\u202eexe.txt'],
  ];
  for (const [fields, expected] of cases) {
    assert.equal(formatNotificationLine(notification(fields)), expected);
  }
});

void test('notify-send arguments are safe', () => {
  assert.deepEqual(notifySendArguments(notification({ message: 'a < b & c\n' })), [
    '--app-name=Device Push',
    '--urgency=normal',
    '--',
    'Device Push',
    'a &lt; b &amp; c',
  ]);
  const urgent = notifySendArguments(
    notification({ title: '--help', message: 'x', priority: 'high' }),
  );
  assert.deepEqual(urgent.slice(1), ['--urgency=critical', '--', '--help', 'x']);
  assert.equal(notifySendArguments(notification({ priority: 'low' }))[1], '--urgency=low');
  const long = notifySendArguments(notification({ message: 'x'.repeat(5000) }));
  assert.equal(long[4].length, 2001);
});

void test('notify-send needs PATH and session', (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'receiver-path-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const command = join(directory, 'notify-send');
  writeFileSync(command, '#!/bin/sh\nexit 0\n');
  chmodSync(command, 0o755);
  assert.equal(findNotifySend({ PATH: directory, DISPLAY: ':0' }), command);
  assert.equal(findNotifySend({ PATH: directory, WAYLAND_DISPLAY: 'wayland-0' }), command);
  assert.equal(
    findNotifySend({ PATH: directory, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/bus' }),
    command,
  );
  assert.equal(findNotifySend({ PATH: directory }), undefined);
  assert.equal(findNotifySend({ PATH: directory, DISPLAY: '' }), undefined);
  assert.equal(findNotifySend({ PATH: tmpdir(), DISPLAY: ':0' }), undefined);
});

void test('log repeats are rate-limited', () => {
  let time = 0;
  const lines: string[] = [];
  const log = createRateLimitedLog((line) => lines.push(line), {
    maxEntriesPerWindow: 2,
    windowMs: 1000,
    now: () => time,
  });
  for (let index = 0; index < 5; index += 1) {
    log({ level: 'warn', code: 'connection-limit', message: `closed ${index}` });
  }
  log({ level: 'warn', code: 'idle-timeout', message: 'other code' });
  assert.equal(lines.length, 3);
  time = 1000;
  log({ level: 'warn', code: 'connection-limit', message: 'closed 5' });
  assert.deepEqual(lines, [
    '1970-01-01T00:00:00.000Z WARN connection-limit: closed 0',
    '1970-01-01T00:00:00.000Z WARN connection-limit: closed 1',
    '1970-01-01T00:00:00.000Z WARN idle-timeout: other code',
    '1970-01-01T00:00:01.000Z WARN connection-limit: 3 more entries of this kind were suppressed.',
    '1970-01-01T00:00:01.000Z WARN connection-limit: closed 5',
  ]);
});

interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  port: number;
  /** Resolves with the next line the CLI prints on standard output. */
  nextLine(): Promise<string>;
  stderr(): string;
}

/** Environment for the CLI without a desktop session or an inherited token. */
function cliEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (extra.DEVICE_PUSH_TOKEN === undefined) {
    delete env.DEVICE_PUSH_TOKEN;
  }
  return env;
}

async function startCli(args: string[], env = cliEnvironment()): Promise<CliProcess> {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { env });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const lines: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const waiter = waiters.shift();
    if (waiter === undefined) {
      lines.push(line);
    } else {
      waiter(line);
    }
  });
  const nextLine = () =>
    new Promise<string>((resolve) => {
      const line = lines.shift();
      if (line === undefined) {
        waiters.push(resolve);
      } else {
        resolve(line);
      }
    });
  const first = await nextLine();
  const match = /^Listening on 127\.0\.0\.1:(\d+) \(framing [a-z-]+\)$/.exec(first);
  assert.ok(match, `unexpected first line: ${first}; stderr: ${stderr}`);
  return { child, port: Number(match[1]), nextLine, stderr: () => stderr };
}

async function stopCli(cli: CliProcess): Promise<number | null> {
  const exited = once(cli.child, 'exit');
  process.kill(cli.child.pid as number, 'SIGTERM');
  const [code] = (await exited) as [number | null];
  return code;
}

async function runCliToExit(args: string[], env = cliEnvironment()) {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** Sends bytes, half-closes and resolves with the reply once the CLI closes the connection. */
async function sendToCli(port: number, payload: string): Promise<string> {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('end', () => socket.end());
  socket.end(payload);
  await once(socket, 'close');
  return Buffer.concat(received).toString('utf8');
}

void test('CLI prints received notification', { timeout: CLI_TIMEOUT_MS }, async () => {
  const cli = await startCli(['--port', '0', '--no-desktop', '--ack', 'OK']);
  try {
    const reply = await sendToCli(cli.port, 'Deploy finished 😀\nall green\n');
    assert.equal(reply, 'OK\n');
    const line = await cli.nextLine();
    assert.match(
      line,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z 127\.0\.0\.1:\d+ Deploy finished 😀\\nall green$/,
    );
  } finally {
    const code = await stopCli(cli);
    assert.equal(code, 0);
  }
  assert.match(cli.stderr(), /Stopping \(SIGTERM\)/);
  assert.match(cli.stderr(), /Stopped: 1 notifications/);
});

void test('CLI reads token file', { timeout: CLI_TIMEOUT_MS }, async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'receiver-token-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const tokenFile = join(directory, 'token');
  writeFileSync(tokenFile, 's3cret\n', { mode: 0o600 });
  const args = ['--port', '0', '--no-desktop', '--framing', 'json', '--ack', 'OK'];
  const cli = await startCli([...args, '--token-file', tokenFile]);
  try {
    const accepted = await sendToCli(
      cli.port,
      `${JSON.stringify({ title: 'Tests', message: 'passed', token: 's3cret' })}\n`,
    );
    assert.equal(accepted, 'OK\n');
    assert.match(await cli.nextLine(), / 127\.0\.0\.1:\d+ Tests: passed$/);
    const rejected = await sendToCli(
      cli.port,
      `${JSON.stringify({ message: 'forged', token: 'guess' })}\n`,
    );
    assert.equal(rejected, '');
  } finally {
    assert.equal(await stopCli(cli), 0);
  }
  assert.match(cli.stderr(), /WARN token-rejected: Rejected a message from 127\.0\.0\.1:\d+/);
  assert.doesNotMatch(cli.stderr(), /s3cret/);
  assert.doesNotMatch(cli.stderr(), /other users can read/);
});

void test('CLI token needs json framing', { timeout: CLI_TIMEOUT_MS }, async () => {
  const result = await runCliToExit(
    ['--port', '0', '--no-desktop'],
    cliEnvironment({ DEVICE_PUSH_TOKEN: 's3cret' }),
  );
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /A token needs --framing json/);
  assert.match(result.stderr, /Run with --help/);
});

void test('CLI help exits cleanly', { timeout: CLI_TIMEOUT_MS }, async () => {
  const result = await runCliToExit(['--help']);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^Usage: node receiver\.js \[options\]/);
  assert.match(result.stdout, /--token-file PATH/);
});

test('log line escapes client bytes', () => {
  // JSON.parse quotes the start of a bad line, so a client controls part of this message.
  const entry = {
    level: 'warn' as const,
    code: 'invalid-json',
    message: 'bad \x1b]0;x\x07 \u202e',
  };
  const line = formatLogLine(entry, Date.UTC(2026, 4, 6));
  assert.equal(line, '2026-05-06T00:00:00.000Z WARN invalid-json: bad \\x1b]0;x\\x07 \\u202e');
});
