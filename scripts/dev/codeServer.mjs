// Starts the VS Code server from the test host (code-server) on 127.0.0.1 with password login
// and the built extension installed, for `npm start` without a desktop `code` and for
// `npm start -- --check`.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, ensureTestHost } from '../test-host/install.mjs';
import { QUIET_SETTINGS, watchListening } from '../test-host/run.mjs';
import { installBuiltExtension } from './extension.mjs';

const SERVER_START_TIMEOUT_MS = 60_000;

/**
 * Folders of one code-server profile. `persistent` keeps them in .test-host/dev, so settings,
 * approvals and open editors of the `npm start` window survive between runs; otherwise they
 * live in a new temporary folder.
 */
export function serverDirectories({ persistent, userSettings = {} }) {
  const base = persistent ? join(cacheDir, 'dev') : mkdtempSync(join(tmpdir(), 'device-push-dev-'));
  const dirs = {
    base,
    userData: join(base, 'user-data'),
    extensions: join(base, 'extensions'),
    home: join(base, 'home'),
  };
  for (const dir of [dirs.userData, dirs.extensions, dirs.home, join(dirs.userData, 'User')]) {
    mkdirSync(dir, { recursive: true });
  }
  const settings = join(dirs.userData, 'User/settings.json');
  if (!existsSync(settings)) {
    const content = { ...QUIET_SETTINGS, ...userSettings };
    writeFileSync(settings, `${JSON.stringify(content, null, 2)}\n`);
  }
  return dirs;
}

/**
 * Installs the built extension, starts code-server and resolves once it listens. The URL opens
 * `folder`.
 * @returns {Promise<{ url: string, password: string, child: import('node:child_process').ChildProcess, exited: Promise<number | null>, output: () => string }>}
 */
export async function startCodeServer({ folder, dirs }) {
  const host = ensureTestHost();
  installBuiltExtension(dirs.extensions);
  const password = randomBytes(12).toString('base64url');
  const child = spawn(
    host.nodeBinary,
    [
      host.codeServerEntry,
      '--bind-addr',
      '127.0.0.1:0',
      '--auth',
      'password',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--disable-proxy',
      '--ignore-last-opened',
      // The sample is part of this repository, so it opens trusted. Its device still asks for
      // approval before the first send, as any device that a workspace defines does.
      '--disable-workspace-trust',
      '--user-data-dir',
      dirs.userData,
      '--extensions-dir',
      dirs.extensions,
    ],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOME: dirs.home, PASSWORD: password, EXTENSIONS_GALLERY: '{}' },
    },
  );
  const exited = new Promise((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  const listening = watchListening(child, SERVER_START_TIMEOUT_MS);
  const output = listening.output;
  const port = await listening.port.catch(async (error) => {
    await stopProcessGroup(child, exited);
    throw error;
  });
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
  return { url, password, child, exited, output };
}

const STOP_TIMEOUT_MS = 5_000;

/**
 * Ends a child started with `detached: true` together with the processes it started: SIGTERM,
 * then SIGKILL when the group is still there after `STOP_TIMEOUT_MS`.
 */
export async function stopProcessGroup(child, exited) {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) {
    return;
  }
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group has already exited.
    }
  };
  signalGroup('SIGTERM');
  let timer;
  const timedOut = new Promise((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout('timeout'), STOP_TIMEOUT_MS);
  });
  const result = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    signalGroup('SIGKILL');
  }
}
