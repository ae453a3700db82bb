// The sample workspace that `npm start` opens: its device, and a copy of it for `--check`.

import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');
export const sampleDir = join(root, 'sample');
export const SAMPLE_DEVICE_NAME = 'This computer';

const settingsPath = (folder) => join(folder, '.vscode/settings.json');

/**
 * Returns the sample's device "This computer" from sample/.vscode/settings.json, which is the
 * one place that sets the receiver's port, framing and acknowledgement.
 */
export function readSampleDevice(folder = sampleDir) {
  const path = settingsPath(folder);
  const settings = JSON.parse(readFileSync(path, 'utf8'));
  const device = (settings['devicePush.devices'] ?? []).find(
    (entry) => entry.name === SAMPLE_DEVICE_NAME,
  );
  if (!device || !Number.isInteger(device.port)) {
    throw new Error(`${path} has no device "${SAMPLE_DEVICE_NAME}" with a port.`);
  }
  return {
    name: device.name,
    host: device.host,
    port: device.port,
    framing: device.framing ?? 'raw',
    ack: device.ack ? (device.ackText ?? 'OK') : undefined,
  };
}

/**
 * Copies the sample into a new temporary folder whose device points at `port`, so a check can
 * use a port that the system chose and never touch the sample itself. Returns the folder.
 */
export function copySampleWithPort(port) {
  const folder = join(mkdtempSync(join(tmpdir(), 'device-push-sample-')), 'sample');
  cpSync(sampleDir, folder, { recursive: true });
  const path = settingsPath(folder);
  const settings = JSON.parse(readFileSync(path, 'utf8'));
  settings['devicePush.devices'] = settings['devicePush.devices'].map((entry) =>
    entry.name === SAMPLE_DEVICE_NAME ? { ...entry, port } : entry,
  );
  writeFileSync(path, `${JSON.stringify(settings, null, 2)}\n`);
  return folder;
}
