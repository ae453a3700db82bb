/** Helpers for interoperability tests with real programs (nc, socat, openssl) as receivers. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';

/** Time a peer program gets to start listening. */
export const PEER_START_TIMEOUT_MS = 5000;
const LISTEN_POLL_INTERVAL_MS = 20;
/** State code of a listening socket in /proc/net/tcp. */
const TCP_LISTEN_STATE = '0A';

export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Skips the test when `command` is missing, except under CI (env `CI` set), where a missing
 * peer fails the test. Returns whether the test may go on.
 */
export function requirePeer(t: TestContext, command: string): boolean {
  if (hasCommand(command)) {
    return true;
  }
  const reason = `${command} is not installed`;
  if (process.env.CI) {
    assert.fail(`${reason}; CI must provide it`);
  }
  t.skip(reason);
  return false;
}

export interface Peer {
  process: ChildProcess;
  /** Resolves with everything the peer wrote to stdout, once it exits. */
  stdout: Promise<Buffer>;
  stop(): void;
}

/** Starts a peer program with stdin kept open and stdout collected. */
export function startPeer(command: string, args: string[]): Peer {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr.resume();
  const stdout = new Promise<Buffer>((resolve) => {
    child.on('close', () => resolve(Buffer.concat(chunks)));
  });
  return {
    process: child,
    stdout,
    stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
      }
    },
  };
}

/**
 * Waits until a socket listens on `port` on 127.0.0.1, read from /proc/net/tcp so that no
 * probe connection reaches a peer that accepts only one.
 */
export async function waitUntilListening(port: number): Promise<void> {
  const deadline = Date.now() + PEER_START_TIMEOUT_MS;
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  while (Date.now() < deadline) {
    const table = readFileSync('/proc/net/tcp', 'utf8');
    const listening = table
      .split('\n')
      .slice(1)
      .some((line) => {
        const fields = line.trim().split(/\s+/);
        return fields[1]?.endsWith(`:${portHex}`) && fields[3] === TCP_LISTEN_STATE;
      });
    if (listening) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, LISTEN_POLL_INTERVAL_MS));
  }
  throw new Error(`No peer listened on 127.0.0.1:${port} within ${PEER_START_TIMEOUT_MS} ms`);
}
