import * as vscode from 'vscode';
import type { DeviceEntry } from '../devices/merge';
import { SECTION } from '../devices/registry';

/** Settings of the outbox. Their defaults and ranges are declared once, in package.json. */
export interface OutboxSettings {
  /** `devicePush.outbox.enabled`: off means fire-and-forget. */
  enabled: boolean;
  /** `devicePush.outbox.ttlMinutes`: time-to-live of devices without `outboxTtlMinutes`. */
  ttlMinutes: number;
  /** `devicePush.outbox.maxSize`: items across all devices. */
  maxSize: number;
}

/** Values used when a setting holds something other than what package.json declares. */
const FALLBACK: OutboxSettings = { enabled: true, ttlMinutes: 60, maxSize: 1000 };

export function readOutboxSettings(): OutboxSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const enabled = config.get<unknown>('outbox.enabled');
  const ttlMinutes = config.get<unknown>('outbox.ttlMinutes');
  const maxSize = config.get<unknown>('outbox.maxSize');
  return {
    enabled: typeof enabled === 'boolean' ? enabled : FALLBACK.enabled,
    ttlMinutes: isPositiveInteger(ttlMinutes) ? ttlMinutes : FALLBACK.ttlMinutes,
    maxSize: isPositiveInteger(maxSize) ? maxSize : FALLBACK.maxSize,
  };
}

/** Time-to-live of items queued for this device now, in milliseconds. */
export function ttlMsFor(entry: DeviceEntry, settings: OutboxSettings): number {
  const minutes = entry.config?.outboxTtlMinutes ?? settings.ttlMinutes;
  return minutes * 60_000;
}

/** Whether a configuration change affects the outbox settings. */
export function affectsOutbox(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SECTION}.outbox`);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
