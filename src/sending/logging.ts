import type * as vscode from 'vscode';
import type { DeviceEntry } from '../devices/merge';
import type { Notification, SendResult } from '../sender/types';
import type { SendOrigin } from './types';

/**
 * Writes one send to the log: device, address, framing, bytes, duration and outcome at info
 * level, failures at error level with their code and stage. The notification text goes to trace
 * level only. Neither the target nor the token is ever passed here, so neither can reach the log.
 */
export function logSend(
  log: vscode.LogOutputChannel,
  entry: DeviceEntry,
  notification: Notification,
  result: SendResult,
  origin: SendOrigin,
): void {
  const config = entry.config;
  const configured = config ? `${config.host}:${config.port}` : 'no address';
  const via = result.address && result.address !== configured ? ` via ${result.address}` : '';
  const framing = config?.framing ?? 'unknown framing';
  const where = `"${result.device}" (${configured}${via}, ${framing}, from ${origin})`;

  if (result.outcome === 'failed') {
    const error = result.error;
    const attempts = error?.attempts?.length
      ? ` Addresses tried: ${error.attempts.map((a) => `${a.address} ${a.code}`).join(', ')}.`
      : '';
    log.error(
      `Send to ${where} failed after ${result.durationMs} ms, ${result.bytes} bytes written: ` +
        `${error?.code ?? 'unknown'} at ${error?.stage ?? 'unknown stage'}. ` +
        `${error?.message ?? ''}${attempts}`,
    );
  } else {
    const truncated = result.truncated ? ', text shortened to the device limit' : '';
    log.info(
      `Send to ${where}: ${result.outcome}, ${result.bytes} bytes in ${result.durationMs} ms` +
        `${truncated}.`,
    );
  }
  log.trace(`Notification to "${result.device}": ${describeNotification(notification)}`);
}

function describeNotification(notification: Notification): string {
  const fields: Record<string, unknown> = { message: notification.message };
  if (notification.title !== undefined) {
    fields.title = notification.title;
  }
  if (notification.priority !== undefined) {
    fields.priority = notification.priority;
  }
  if (notification.task !== undefined) {
    fields.task = notification.task;
  }
  return JSON.stringify(fields);
}
