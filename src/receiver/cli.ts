#!/usr/bin/env node
// Command-line entry of the receiver: `node out/src/receiver/cli.js --help`.
import { runReceiverCli } from './cliMain';

/** Resolves with the first SIGINT or SIGTERM. A second signal while stopping exits at once. */
function waitForStop(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

// A reader that closes the pipe early, such as `| head -1` reading the port, must not stop the
// receiver, so EPIPE on standard output is ignored.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') {
    throw error;
  }
});

runReceiverCli(process.argv.slice(2), {
  env: process.env,
  writeOut: (text) => process.stdout.write(text),
  writeError: (text) => process.stderr.write(text),
  waitForStop,
}).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    process.stderr.write(`The receiver failed: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
