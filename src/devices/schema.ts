/**
 * Validation of device entries from settings. Pure: no `vscode`, so unit tests run in plain Node.
 * The rules match the JSON schema of `devicePush.devices` in package.json, which editors use for
 * completion; this code is what actually keeps an invalid entry away from the sender.
 */

import { isIPv6 } from 'node:net';
import type { DeviceTarget, Framing, LineBreakRule, LineEnding } from '../sender/types';

export const FRAMINGS: readonly Framing[] = ['raw', 'line', 'json', 'length-prefixed'];
export const LINE_ENDINGS: readonly LineEnding[] = ['lf', 'crlf'];
export const LINE_BREAK_RULES: readonly LineBreakRule[] = ['escape', 'space'];

export const DEFAULT_MAX_BYTES = 4096;
export const DEFAULT_TIMEOUT_MS = 5000;
export const MIN_MAX_BYTES = 16;
export const MAX_MAX_BYTES = 1024 * 1024;
export const MIN_TIMEOUT_MS = 100;
export const MAX_TIMEOUT_MS = 120_000;
export const MAX_NAME_LENGTH = 64;
const FINGERPRINT_PATTERN = /^([0-9a-f]{2}:?){31}[0-9a-f]{2}$/i;

/** A device as settings.json stores it, after validation and with defaults filled in. */
export interface DeviceConfig {
  name: string;
  host: string;
  port: number;
  framing: Framing;
  lineEnding: LineEnding;
  lineBreaks: LineBreakRule;
  maxBytes: number;
  timeoutMs: number;
  tls: boolean;
  tlsCaFile?: string;
  tlsFingerprint?: string;
  ack: boolean;
  ackText: string;
  enabled: boolean;
  outboxTtlMinutes?: number;
}

export type ValidationResult =
  { ok: true; config: DeviceConfig } | { ok: false; name?: string; problems: string[] };

const KNOWN_FIELDS = new Set([
  'name',
  'host',
  'port',
  'framing',
  'lineEnding',
  'lineBreaks',
  'maxBytes',
  'timeoutMs',
  'tls',
  'tlsCaFile',
  'tlsFingerprint',
  'ack',
  'ackText',
  'enabled',
  'outboxTtlMinutes',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/** Checks one entry of `devicePush.devices` and returns the config or every problem found. */
export function validateDeviceEntry(entry: unknown): ValidationResult {
  if (!isRecord(entry)) {
    return { ok: false, problems: ['The entry is not an object with name, host and port.'] };
  }
  const problems: string[] = [];
  const name = typeof entry.name === 'string' ? entry.name.trim() : undefined;
  if (!name) {
    problems.push('Missing "name".');
  } else if (name.length > MAX_NAME_LENGTH) {
    problems.push(`"name" is longer than ${MAX_NAME_LENGTH} characters.`);
  }
  const host = typeof entry.host === 'string' ? entry.host.trim() : '';
  if (!host) {
    problems.push('Missing "host": set the device\'s host name or IP address.');
  } else if (/\s|\/|^\[|\]$/.test(host)) {
    problems.push(`Invalid "host" "${host}": write a bare host name or IP address.`);
  } else if (host.includes(':') && !isIPv6(host)) {
    problems.push(`Invalid "host" "${host}": put the port in "port", not in "host".`);
  }
  if (entry.port === undefined) {
    problems.push('Missing "port": set the TCP port the device listens on (1–65535).');
  } else if (!isIntegerIn(entry.port, 1, 65535)) {
    problems.push(
      `Invalid "port" ${JSON.stringify(entry.port)}: use a whole number from 1 to 65535.`,
    );
  }
  const framing = entry.framing ?? 'raw';
  if (!oneOf(framing, FRAMINGS)) {
    problems.push(`Unknown "framing" ${JSON.stringify(framing)}: use ${FRAMINGS.join(', ')}.`);
  }
  const lineEnding = entry.lineEnding ?? 'lf';
  if (!oneOf(lineEnding, LINE_ENDINGS)) {
    problems.push(`Unknown "lineEnding" ${JSON.stringify(lineEnding)}: use lf or crlf.`);
  }
  const lineBreaks = entry.lineBreaks ?? 'escape';
  if (!oneOf(lineBreaks, LINE_BREAK_RULES)) {
    problems.push(`Unknown "lineBreaks" ${JSON.stringify(lineBreaks)}: use escape or space.`);
  }
  const maxBytes = entry.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!isIntegerIn(maxBytes, MIN_MAX_BYTES, MAX_MAX_BYTES)) {
    problems.push(
      `Invalid "maxBytes": use a whole number from ${MIN_MAX_BYTES} to ${MAX_MAX_BYTES}.`,
    );
  }
  const timeoutMs = entry.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!isIntegerIn(timeoutMs, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS)) {
    problems.push(
      `Invalid "timeoutMs": use milliseconds from ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS}.`,
    );
  }
  for (const flag of ['tls', 'ack', 'enabled'] as const) {
    if (entry[flag] !== undefined && typeof entry[flag] !== 'boolean') {
      problems.push(`"${flag}" must be true or false.`);
    }
  }
  for (const text of ['tlsCaFile', 'tlsFingerprint', 'ackText'] as const) {
    if (entry[text] !== undefined && typeof entry[text] !== 'string') {
      problems.push(`"${text}" must be a string.`);
    }
  }
  const fingerprint = typeof entry.tlsFingerprint === 'string' ? entry.tlsFingerprint.trim() : '';
  if (fingerprint && !FINGERPRINT_PATTERN.test(fingerprint)) {
    problems.push('Invalid "tlsFingerprint": use the 64 hex digits of a SHA-256 fingerprint.');
  }
  if ((entry.tlsCaFile !== undefined || fingerprint) && entry.tls !== true) {
    problems.push('"tlsCaFile" and "tlsFingerprint" need "tls": true.');
  }
  if (entry.ackText !== undefined && entry.ack !== true) {
    problems.push('"ackText" needs "ack": true.');
  }
  if (typeof entry.ackText === 'string' && entry.ackText.trim() === '') {
    problems.push('"ackText" is empty: set the reply line the device sends.');
  }
  if (entry.outboxTtlMinutes !== undefined && !isIntegerIn(entry.outboxTtlMinutes, 1, 10080)) {
    problems.push('Invalid "outboxTtlMinutes": use whole minutes from 1 to 10080.');
  }
  for (const key of Object.keys(entry)) {
    if (!KNOWN_FIELDS.has(key)) {
      problems.push(`Unknown field "${key}".`);
    }
  }
  if (problems.length > 0) {
    return { ok: false, ...(name ? { name } : {}), problems };
  }
  const config: DeviceConfig = {
    name: name as string,
    host,
    port: entry.port as number,
    framing: framing as Framing,
    lineEnding: lineEnding as LineEnding,
    lineBreaks: lineBreaks as LineBreakRule,
    maxBytes: maxBytes as number,
    timeoutMs: timeoutMs as number,
    tls: entry.tls === true,
    ack: entry.ack === true,
    ackText: typeof entry.ackText === 'string' ? entry.ackText.trim() : 'OK',
    enabled: entry.enabled !== false,
  };
  if (typeof entry.tlsCaFile === 'string' && entry.tlsCaFile.trim()) {
    config.tlsCaFile = entry.tlsCaFile.trim();
  }
  if (fingerprint) {
    config.tlsFingerprint = fingerprint;
  }
  if (typeof entry.outboxTtlMinutes === 'number') {
    config.outboxTtlMinutes = entry.outboxTtlMinutes;
  }
  return { ok: true, config };
}

/**
 * Builds the sender's target from a validated config. The CA file is read by the caller,
 * which passes its PEM text, so this module stays free of file access.
 */
export function toTarget(
  config: DeviceConfig,
  secrets: { token?: string; caPem?: string } = {},
): DeviceTarget {
  const target: DeviceTarget = {
    name: config.name,
    host: config.host,
    port: config.port,
    framing: config.framing,
    lineEnding: config.lineEnding,
    lineBreaks: config.lineBreaks,
    maxBytes: config.maxBytes,
    timeoutMs: config.timeoutMs,
  };
  if (config.tls) {
    target.tls = {
      ...(secrets.caPem ? { ca: secrets.caPem } : {}),
      ...(config.tlsFingerprint ? { fingerprint: config.tlsFingerprint } : {}),
    };
  }
  if (config.ack) {
    target.ack = { expect: config.ackText };
  }
  if (secrets.token) {
    target.token = secrets.token;
  }
  return target;
}
