// The receiver that `npm start` runs in its own process: the code in src/receiver, bundled on
// the fly with esbuild, so the script needs no TypeScript compile.

import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from './sample.mjs';

const BUNDLE_PATH = join(root, 'out/dev/receiver.cjs');
const ENTRY_SOURCE = [
  "export { startReceiver } from './src/receiver/receiver';",
  "export { formatNotificationLine } from './src/receiver/display';",
].join('\n');

async function loadReceiverModule() {
  await esbuild.build({
    stdin: {
      contents: ENTRY_SOURCE,
      resolveDir: root,
      loader: 'ts',
      sourcefile: 'dev-receiver.ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: BUNDLE_PATH,
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(BUNDLE_PATH);
}

/**
 * Starts a receiver on 127.0.0.1 that prints each notification through `print`.
 * Rejects with the receiver's `ReceiverError` (code `listen-failed`) when the port is taken.
 * @param {{ port: number, framing: string, ack?: string, print: (line: string) => void }} options
 */
export async function startDevReceiver({ port, framing, ack, print }) {
  const { startReceiver, formatNotificationLine } = await loadReceiverModule();
  const received = [];
  const waiters = new Set();
  const receiver = await startReceiver({
    host: '127.0.0.1',
    port,
    framing,
    ack,
    onNotification: (notification) => {
      received.push(notification);
      print(`received ${formatNotificationLine(notification)}`);
      for (const waiter of waiters) {
        waiter();
      }
    },
    onLog: (entry) => print(`${entry.level}: ${entry.message}`),
  });

  /** Resolves with the first notification that matches, or rejects after `timeoutMs`. */
  function waitFor(predicate, timeoutMs) {
    return new Promise((resolvePromise, rejectPromise) => {
      const check = () => {
        const match = received.find(predicate);
        if (match) {
          waiters.delete(check);
          clearTimeout(timer);
          resolvePromise(match);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        rejectPromise(new Error(`no matching notification within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  return { address: receiver.address, received, waitFor, close: () => receiver.close() };
}
