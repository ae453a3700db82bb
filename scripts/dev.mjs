// `npm start`: builds the extension, starts a receiver for the sample workspace's device
// "This computer" and opens sample/ in VS Code with the extension loaded. Runs until Ctrl+C.
//
//   node scripts/dev.mjs           desktop `code` when it is on PATH, else code-server in a browser
//   node scripts/dev.mjs --server  code-server even when a desktop `code` is on PATH
//   node scripts/dev.mjs --check   headless: send one notification through the extension in
//                                  code-server and Chromium, wait for the receiver, exit 0 or 1
//
// The receiver listens on 127.0.0.1 at the port of "This computer" in sample/.vscode/settings.json
// (7879) and prints every notification. `--check` uses a port that the system chooses and a
// temporary copy of the sample instead, so it runs next to a running `npm start`.

import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { runCheck } from './dev/check.mjs';
import { serverDirectories, startCodeServer, stopProcessGroup } from './dev/codeServer.mjs';
import { findDesktopCode, openInDesktop } from './dev/desktop.mjs';
import { startDevReceiver } from './dev/receiver.mjs';
import { readSampleDevice, root, sampleDir } from './dev/sample.mjs';

const BUILD_TIMEOUT_MS = 120_000;

const HELP = `Usage: node scripts/dev.mjs [--server] [--check]

Builds Device Push, starts a receiver on 127.0.0.1 for the sample device "This computer" and
opens sample/ in VS Code with the extension loaded. Press Ctrl+C to stop.

  --server  open the VS Code server (code-server) in the browser, even when \`code\` is on PATH
  --check   send one notification through the extension in headless code-server, wait until
            the receiver prints it, then exit (0 when it arrived)
  --help    show this text
`;

function parseOptions() {
  try {
    return parseArgs({
      options: {
        server: { type: 'boolean', default: false },
        check: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${error.message}\n\n${HELP}`);
    process.exit(2);
  }
}

const print = (line) => console.log(`[receiver] ${line}`);

/** Development build into dist/, which both the desktop window and code-server load. */
function build() {
  console.log('Building the extension (scripts/build.mjs) ...');
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], {
    cwd: root,
    stdio: 'inherit',
    timeout: BUILD_TIMEOUT_MS,
  });
  if (result.status !== 0) {
    console.error('The build failed: see the errors above. Run "npm ci" first on a new checkout.');
    process.exit(1);
  }
}

async function startReceiverOrExit(device, port) {
  try {
    return await startDevReceiver({ port, framing: device.framing, ack: device.ack, print });
  } catch (error) {
    console.error(`Could not start the receiver: ${error.message}`);
    if (error.cause?.code === 'EADDRINUSE') {
      console.error(
        `Stop the program that uses port ${port} (an earlier "npm start"?), or change the port ` +
          `of "${device.name}" in sample/.vscode/settings.json.`,
      );
    }
    process.exit(1);
  }
}

/** Resolves when the process gets SIGINT or SIGTERM. */
function waitForStopSignal() {
  return new Promise((resolveSignal) => {
    process.once('SIGINT', () => resolveSignal('SIGINT'));
    process.once('SIGTERM', () => resolveSignal('SIGTERM'));
  });
}

async function openInServer() {
  console.log('Starting the VS Code server (code-server) ...');
  const dirs = serverDirectories({ persistent: true });
  const server = await startCodeServer({ folder: sampleDir, dirs });
  console.log(`\nOpen this URL in a browser on this computer:\n\n  ${server.url}\n`);
  console.log(`Password: ${server.password}\n`);
  return server;
}

async function main() {
  const options = parseOptions();
  if (options.help) {
    console.log(HELP);
    return 0;
  }
  const started = Date.now();
  const desktop = options.server || options.check ? undefined : findDesktopCode();
  build();
  const device = readSampleDevice();

  if (options.check) {
    const receiver = await startReceiverOrExit(device, 0);
    try {
      return await runCheck({ receiver, started });
    } finally {
      await receiver.close();
    }
  }

  const receiver = await startReceiverOrExit(device, device.port);
  print(
    `listening on ${receiver.address.host}:${receiver.address.port} ` +
      `(framing ${device.framing}) for the device "${device.name}"`,
  );
  let server;
  try {
    if (desktop) {
      const code = await openInDesktop(desktop, sampleDir);
      if (code !== 0) {
        throw new Error(`${desktop} exited with ${code}. Try "npm start -- --server".`);
      }
      console.log(`\nOpened ${sampleDir} in an Extension Development Host window (${desktop}).`);
    } else {
      server = await openInServer();
    }
  } catch (error) {
    console.error(`Could not open VS Code: ${error.message}`);
    await receiver.close();
    return 1;
  }
  console.log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  console.log('Notifications that arrive are printed below. Press Ctrl+C to stop.\n');
  const reason = await Promise.race([
    waitForStopSignal(),
    server
      ? server.exited.then((code) => `code-server exited with ${code}`)
      : new Promise(() => {}),
  ]);
  console.log(`\nStopping (${reason}) ...`);
  if (server) {
    await stopProcessGroup(server.child, server.exited);
  }
  await receiver.close();
  return reason.startsWith('SIG') ? 0 : 1;
}

process.exit(await main());
