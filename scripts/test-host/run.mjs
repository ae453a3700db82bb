// Runs the integration suite in a real VS Code extension host, offline.
//
// The host is the VS Code server inside `code-server`, opened by Debian's headless Chromium
// through playwright-core. The workbench's smoke-test driver loads the extension under test and
// the compiled mocha entry point, then reports the suite's result through
// `window.codeAutomationExit(code)`.
//
// Exit codes: the suite's own (0 passed, 1 failed), 2 when the host could not start, and
// 124 when the run exceeded its timeout.

/* global AbortController */

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { ensureTestHost } from './install.mjs';
import { openLoopbackPage } from './workbench.mjs';

export const EXIT_HOST_FAILED = 2;
export const EXIT_TIMED_OUT = 124;

const SERVER_START_TIMEOUT_MS = 60_000;
const DEFAULT_RUN_TIMEOUT_MS = 10 * 60_000;

const root = resolve(import.meta.dirname, '../..');

/** User settings that keep the built-in parts of the workbench quiet and offline. */
export const QUIET_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'npm.autoDetect': 'off',
  'task.autoDetect': 'off',
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.emptyWindow': false,
};

/** SGR color sequences in console text. */
// eslint-disable-next-line no-control-regex
const ANSI_COLOR = /\u001b\[[0-9;]*m/g;

/** Workbench start-up lines that carry no information about the suite. */
const NOISE = [
  /^\[(?:AgentHost|AccountPolicyGate|ChatModelSelection)\]/,
  /^\[Extension Host\] (?:Activating|Loading|ExtensionService)/,
  /^Ignoring fetching additional builtin extensions/,
  /^\s*$/,
];

function startServer(host, { userDataDir, extensionsDir, home, trust, env }) {
  const args = [
    host.codeServerEntry,
    '--bind-addr',
    '127.0.0.1:0',
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--disable-proxy',
    '--ignore-last-opened',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--vscode-option',
    'enable-smoke-test-driver',
  ];
  if (trust) {
    args.push('--disable-workspace-trust');
  }
  const child = spawn(host.nodeBinary, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, HOME: home, EXTENSIONS_GALLERY: '{}' },
  });
  return { child, ...watchListening(child) };
}

/**
 * Collects the output of a code-server process. `port` resolves with the port it listens on, and
 * rejects when the process exits first or does not listen within `timeoutMs`.
 */
export function watchListening(child, timeoutMs = SERVER_START_TIMEOUT_MS) {
  let output = '';
  const port = new Promise((resolvePort, rejectPort) => {
    const timer = setTimeout(() => {
      rejectPort(new Error(`code-server did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    const onData = (chunk) => {
      output += chunk.toString();
      const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      rejectPort(new Error(`code-server exited with ${code} before listening:\n${output}`));
    });
  });
  return { port, output: () => output };
}

function killGroup(child) {
  if (child.exitCode === null && child.pid) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  }
}

/**
 * Runs one host session.
 * @param {object} options
 * @param {string} options.suite folder under out/test/integration with the suite's test files
 * @param {string} [options.folder] workspace folder or .code-workspace file to open
 * @param {boolean} [options.trust] open the workspace as trusted (default true)
 * @param {string} [options.userDataDir] reuse this user data dir (state survives between runs)
 * @param {Record<string,string>} [options.env] extra environment for the extension host
 * @param {Record<string,unknown>} [options.userSettings] user settings of this session, written
 *   over QUIET_SETTINGS
 * @param {number} [options.timeoutMs]
 * @param {string} [options.testsPath] test entry point to load instead of the mocha index
 * @param {string} [options.artifactsDir] where logs and screenshots go
 * @param {(page: import('playwright-core').Page, context: { port: number, signal: AbortSignal })
 *   => Promise<void>} [options.drive] browser steps; `signal` aborts when the suite has ended
 * @returns {Promise<{ exitCode: number, passed: number, failed: number, skipped: number, log: string[] }>}
 */
export async function runHostSession(options) {
  const host = ensureTestHost();
  const scratch = mkdtempSync(join(tmpdir(), 'device-push-host-'));
  const userDataDir = options.userDataDir ?? join(scratch, 'user-data');
  const extensionsDir = join(scratch, 'extensions');
  const home = join(scratch, 'home');
  for (const dir of [userDataDir, extensionsDir, home, join(userDataDir, 'User')]) {
    mkdirSync(dir, { recursive: true });
  }
  writeFileSync(
    join(userDataDir, 'User/settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, ...options.userSettings }, null, 2),
  );

  const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  const log = [];
  const counts = { passed: 0, failed: 0, skipped: 0, seen: false };
  const server = startServer(host, {
    userDataDir,
    extensionsDir,
    home,
    trust: options.trust ?? true,
    env: { DEVICE_PUSH_SUITE: options.suite, ...options.env },
  });
  let browser;
  let timer;
  try {
    const port = await server.port;
    const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(root)],
      ['extensionTestsPath', remote(options.testsPath ?? join(root, 'out/test/integration/index'))],
      ['skipWelcome', 'true'],
    ];
    const target = options.folder ?? join(root, 'test/fixtures/workspace');
    const folderParam = target.endsWith('.code-workspace') ? 'workspace' : 'folder';
    const url =
      `http://127.0.0.1:${port}/?payload=${encodeURIComponent(JSON.stringify(payload))}` +
      `&${folderParam}=${encodeURIComponent(target)}`;

    const opened = await openLoopbackPage();
    browser = opened.browser;
    const page = opened.page;

    const exit = new Promise((resolveExit) => {
      void page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      // The host forwards console calls with their format string (mocha's '%s (%dms)').
      // Color codes are dropped, so the log stays plain text whatever the reporter emits.
      const text = format(...(Array.isArray(args) ? args : [args])).replace(ANSI_COLOR, '');
      if (NOISE.some((pattern) => pattern.test(text))) {
        return;
      }
      const match = /integration: (\d+) passed, (\d+) failed, (\d+) skipped/.exec(text);
      if (match) {
        counts.passed += Number(match[1]);
        counts.failed += Number(match[2]);
        counts.skipped += Number(match[3]);
        counts.seen = true;
      }
      log.push(text);
      if (!options.quiet) {
        console.log(`  ${text}`);
      }
    });
    const timedOut = new Promise((resolveTimeout) => {
      timer = setTimeout(() => resolveTimeout(EXIT_TIMED_OUT), timeoutMs);
    });

    await page.goto(url);
    const suiteEnded = new AbortController();
    const driven = options.drive
      ? options.drive(page, { port, signal: suiteEnded.signal })
      : Promise.resolve();
    // Marks a rejection as handled until the suite ends; it is still reported below.
    driven.catch(() => undefined);
    let exitCode = await Promise.race([exit, timedOut]);
    suiteEnded.abort();
    if (exitCode !== EXIT_TIMED_OUT) {
      await driven.catch((error) => {
        log.push(`browser steps failed: ${error.message}`);
        console.error(`browser steps failed: ${error.stack}`);
        exitCode = 1;
      });
    }
    if (exitCode === EXIT_TIMED_OUT) {
      console.error(`The ${options.suite} suite timed out after ${timeoutMs} ms.`);
      if (options.artifactsDir) {
        mkdirSync(options.artifactsDir, { recursive: true });
        const shot = join(options.artifactsDir, `${options.suite}-timeout.png`);
        await page.screenshot({ path: shot }).catch(() => undefined);
        writeFileSync(join(options.artifactsDir, `${options.suite}-server.log`), server.output());
        console.error(`Screenshot and server log saved in ${options.artifactsDir}`);
      }
    }
    if (!counts.seen && exitCode !== 0) {
      counts.failed += 1;
    }
    return { exitCode, ...counts, log };
  } catch (error) {
    console.error(`The test host failed: ${error.message}`);
    return { exitCode: EXIT_HOST_FAILED, passed: 0, failed: 1, skipped: 0, log };
  } finally {
    clearTimeout(timer);
    await browser?.close().catch(() => undefined);
    killGroup(server.child);
    if (!options.userDataDir) {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}
