import * as vscode from 'vscode';
import { DeviceSetupError } from '../../devices/errors';
import type { DeviceEntry } from '../../devices/merge';
import { toTarget } from '../../devices/schema';
import { readDeviceCa } from '../../devices/targets';
import { testConnection } from '../../sender';
import type { Services } from '../../services';
import { showError, showInfo } from '../../ui';
import { resolveDeviceArgs } from './resolve';

export const TEST_CONNECTION_COMMAND = 'devicePush.testConnection';
const TITLE = 'Test Connection';
const RETRY = 'Retry';

/** Extra time past the device's own deadline before the check is abandoned (a safety net). */
const CHECK_GRACE_MS = 1000;

/** Outcome of one connection test, also returned by the command. */
export interface ConnectionTestResult {
  device: string;
  ok: boolean;
  durationMs: number;
  /** `ip:port` that was used or last tried. */
  address?: string;
  /** What failed, for the user; set when `ok` is false. */
  message?: string;
}

/**
 * Test Connection: connects to each device (TLS included), sends nothing and closes, within the
 * device's deadline; reports the time taken or the error and updates the device's state.
 */
export function testConnectionCommand(services: Services) {
  return async (...args: unknown[]): Promise<ConnectionTestResult[] | undefined> => {
    const entries = await resolveDeviceArgs(services, args, {
      multi: true,
      action: TITLE,
      placeHolder: 'Test the connection to which devices?',
    });
    if (!entries) {
      return undefined;
    }
    const results = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: entries.length === 1 ? `Testing "${entries[0].label}"` : 'Testing devices',
        cancellable: true,
      },
      async (_progress, cancellation): Promise<ConnectionTestResult[]> => {
        const controller = new AbortController();
        const subscription = cancellation.onCancellationRequested(() => controller.abort());
        try {
          return await Promise.all(
            entries.map((entry) => testEntry(services, entry, controller.signal)),
          );
        } finally {
          subscription.dispose();
        }
      },
    );
    report(entries, results);
    return results;
  };
}

/** Tests one device and records the outcome in `services.states`. Never rejects. */
export async function testEntry(
  services: Services,
  entry: DeviceEntry,
  signal?: AbortSignal,
): Promise<ConnectionTestResult> {
  services.states.set(entry.id, { status: 'testing' });
  const result = await runCheck(entry, signal);
  if (result.ok) {
    const detail = `Connected in ${result.durationMs} ms${result.address ? ` (${result.address})` : ''}`;
    services.states.set(entry.id, { status: 'reachable', detail });
    services.log.info(`Test Connection: "${entry.label}" ${detail}.`);
  } else {
    services.states.set(entry.id, { status: 'failed', detail: result.message ?? 'Failed' });
    services.log.warn(`Test Connection: ${result.message ?? `"${entry.label}" failed`}`);
  }
  return result;
}

/**
 * Connects without sending. The token is not read because nothing is written; the CA file is,
 * so TLS is checked as a send would check it.
 */
export async function runCheck(
  entry: Pick<DeviceEntry, 'label' | 'scope' | 'folderUri' | 'folderName' | 'config'>,
  signal?: AbortSignal,
): Promise<ConnectionTestResult> {
  const config = entry.config;
  if (!config) {
    return {
      device: entry.label,
      ok: false,
      durationMs: 0,
      message: `"${entry.label}" is invalid.`,
    };
  }
  let caPem: string | undefined;
  try {
    caPem = await readDeviceCa(entry, config);
  } catch (error) {
    const message = error instanceof DeviceSetupError ? error.message : String(error);
    return { device: config.name, ok: false, durationMs: 0, message };
  }
  const target = toTarget(config, caPem !== undefined ? { caPem } : {});
  const guard = AbortSignal.timeout(config.timeoutMs + CHECK_GRACE_MS);
  const check = await testConnection(target, {
    signal: signal ? AbortSignal.any([signal, guard]) : guard,
  });
  const result: ConnectionTestResult = {
    device: config.name,
    ok: check.ok,
    durationMs: check.durationMs,
  };
  if (check.address) {
    result.address = check.address;
  }
  if (!check.ok) {
    result.message = check.error?.message ?? `Could not connect to "${config.name}".`;
  }
  return result;
}

function report(entries: readonly DeviceEntry[], results: readonly ConnectionTestResult[]): void {
  const failed = results.filter((result) => !result.ok);
  if (results.length === 1) {
    const [result] = results;
    const config = entries[0].config!;
    if (result.ok) {
      void showInfo(
        `"${result.device}" at ${config.host}:${config.port} is reachable: ` +
          `connected in ${result.durationMs} ms.`,
      );
      return;
    }
    offerRetry(result.message!, entries);
    return;
  }
  const summary = `${results.length - failed.length} of ${results.length} devices reachable.`;
  if (failed.length === 0) {
    void showInfo(
      `${summary} ${results.map((r) => `${r.device}: ${r.durationMs} ms`).join(', ')}.`,
    );
    return;
  }
  const failures = failed.map((result) => result.message).join(' ');
  offerRetry(
    `${summary} ${failures}`,
    entries.filter((entry) => failed.some((result) => result.device === entry.label)),
  );
}

function offerRetry(text: string, entries: readonly DeviceEntry[]): void {
  void showError(text, RETRY).then((choice) => {
    if (choice === RETRY) {
      void vscode.commands.executeCommand(TEST_CONNECTION_COMMAND, {
        devices: entries.map((entry) => entry.label),
      });
    }
  });
}
