import { isIPv6 } from 'node:net';
import * as vscode from 'vscode';
import type { DeviceEntry } from '../../devices/merge';
import { scopeLabel } from '../../devices/merge';
import { FRAMINGS, MAX_NAME_LENGTH, validateDeviceEntry } from '../../devices/schema';
import type { ScopeTarget } from '../../devices/writer';
import type { Framing } from '../../sender/types';
import type { Services } from '../../services';
import { showError, showInfo, showInputBox } from '../../ui';
import { scopeChoices } from './scopeChoice';
import { runCheck } from './testConnection';

const TITLE = 'Add Device';
const FINGERPRINT_PATTERN = /^([0-9a-f]{2}:?){31}[0-9a-f]{2}$/i;

const FRAMING_DETAILS: Record<Framing, string> = {
  raw: 'The message as UTF-8, then close. Works with nc -l.',
  line: 'The message and a line terminator; line breaks inside it are escaped.',
  json: 'One JSON object per line with title, message, priority and token.',
  'length-prefixed': 'A 4-byte big-endian byte count, then the UTF-8 bytes.',
};

export interface DeviceAnswer {
  device: Record<string, unknown>;
  target: ScopeTarget;
}

/**
 * Asks for a new device step by step and returns it with the settings to write it to, or
 * undefined when the user cancelled. Each input is validated as it is typed.
 */
export async function askForDevice(services: Services): Promise<DeviceAnswer | undefined> {
  const name = await showInputBox({
    title: `${TITLE} (1/5): name`,
    prompt: 'A short name for the device, shown in the Devices view and used by commands.',
    placeHolder: 'Pi',
    ignoreFocusOut: true,
    validateInput: (value) => validateName(services, value),
  });
  if (name === undefined) {
    return undefined;
  }
  const host = await showInputBox({
    title: `${TITLE} (2/5): host`,
    prompt: 'Host name or IP address of the device.',
    placeHolder: '192.168.1.20 or pi.local',
    ignoreFocusOut: true,
    validateInput: validateHost,
  });
  if (host === undefined) {
    return undefined;
  }
  const port = await showInputBox({
    title: `${TITLE} (3/5): port`,
    prompt: 'TCP port the device listens on (1–65535).',
    placeHolder: '7878',
    ignoreFocusOut: true,
    validateInput: validatePort,
  });
  if (port === undefined) {
    return undefined;
  }
  const framing = await pickFraming();
  if (!framing) {
    return undefined;
  }
  const device: Record<string, unknown> = {
    name: name.trim(),
    host: host.trim(),
    port: Number(port),
    framing,
  };
  if (!(await askOptions(device))) {
    return undefined;
  }
  const target = await pickTarget();
  if (!target) {
    return undefined;
  }
  return (await offerTest(device, target)) ? { device, target } : undefined;
}

function validateName(
  services: Services,
  value: string,
): vscode.InputBoxValidationMessage | undefined {
  const name = value.trim();
  if (!name) {
    return error('Enter a name.');
  }
  if (name.length > MAX_NAME_LENGTH) {
    return error(`Use at most ${MAX_NAME_LENGTH} characters.`);
  }
  const existing = services.registry.find(name) ?? sameLabel(services, name);
  if (!existing) {
    return undefined;
  }
  // Without a folder, user settings are the only place to save, and they cannot hold two.
  if (existing.scope === 'user' && (vscode.workspace.workspaceFolders?.length ?? 0) === 0) {
    return error(`User settings already have a device named "${existing.label}".`);
  }
  return {
    message:
      `${scopeLabel(existing)} already define "${existing.label}": save this one in other ` +
      'settings, where the most specific definition wins.',
    severity: vscode.InputBoxValidationSeverity.Warning,
  };
}

function sameLabel(services: Services, name: string): DeviceEntry | undefined {
  return services.registry.all().find((entry) => entry.label.toLowerCase() === name.toLowerCase());
}

function validateHost(value: string): vscode.InputBoxValidationMessage | undefined {
  const host = value.trim();
  if (!host) {
    return error('Enter a host name or IP address.');
  }
  if (/\s|\/|^\[|\]$/.test(host)) {
    return error('Write a bare host name or IP address, without scheme, path or brackets.');
  }
  if (host.includes(':') && !isIPv6(host)) {
    return error('Leave the port out of the host: the next step asks for it.');
  }
  return undefined;
}

function validatePort(value: string): vscode.InputBoxValidationMessage | undefined {
  const text = value.trim();
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    return error('Enter a whole number from 1 to 65535.');
  }
  return undefined;
}

function error(message: string): vscode.InputBoxValidationMessage {
  return { message, severity: vscode.InputBoxValidationSeverity.Error };
}

async function pickFraming(): Promise<Framing | undefined> {
  const picked = await vscode.window.showQuickPick(
    FRAMINGS.map((framing) => ({ label: framing, detail: FRAMING_DETAILS[framing] })),
    {
      title: `${TITLE} (4/5): framing`,
      placeHolder: 'How is a notification laid out on the wire?',
      ignoreFocusOut: true,
    },
  );
  return picked?.label;
}

/** Asks for TLS and acknowledgement; returns false when cancelled. */
async function askOptions(device: Record<string, unknown>): Promise<boolean> {
  const tls = { label: 'TLS', detail: 'Connect with TLS and check the certificate.' };
  const ack = { label: 'Acknowledgement', detail: 'Wait for the device to reply "OK".' };
  const picked = await vscode.window.showQuickPick([tls, ack], {
    title: `${TITLE} (5/5): options`,
    placeHolder: 'Select options, or press Enter for none',
    canPickMany: true,
    ignoreFocusOut: true,
  });
  if (!picked) {
    return false;
  }
  if (picked.includes(ack)) {
    device.ack = true;
  }
  if (!picked.includes(tls)) {
    return true;
  }
  device.tls = true;
  const pin = await showInputBox({
    title: `${TITLE}: TLS certificate`,
    prompt:
      'SHA-256 fingerprint of a self-signed certificate, or the path of a CA file. ' +
      'Leave empty to check against the system CAs.',
    ignoreFocusOut: true,
  });
  if (pin === undefined) {
    return false;
  }
  const value = pin.trim();
  if (FINGERPRINT_PATTERN.test(value)) {
    device.tlsFingerprint = value;
  } else if (value) {
    device.tlsCaFile = value;
  }
  return true;
}

async function pickTarget(): Promise<ScopeTarget | undefined> {
  const choices = scopeChoices();
  if (choices.length === 1) {
    return choices[0].target;
  }
  const picked = await vscode.window.showQuickPick(choices, {
    title: `${TITLE}: where to save`,
    placeHolder: 'Which settings store the device?',
    ignoreFocusOut: true,
  });
  return picked?.target;
}

/** Offers a connection test before saving; returns whether to save. */
async function offerTest(device: Record<string, unknown>, target: ScopeTarget): Promise<boolean> {
  const validation = validateDeviceEntry(device);
  if (!validation.ok) {
    void showError(`${TITLE}: ${validation.problems.join(' ')}`);
    return false;
  }
  const save = { label: '$(check) Save', description: scopeLabel(target) };
  const test = { label: '$(plug) Test Connection first', description: 'sends no notification' };
  for (;;) {
    const picked = await vscode.window.showQuickPick([save, test], {
      title: `${TITLE}: "${validation.config.name}" at ${validation.config.host}:${validation.config.port}`,
      ignoreFocusOut: true,
    });
    if (picked !== test) {
      return picked === save;
    }
    const entry = { label: validation.config.name, ...target, config: validation.config };
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Testing "${entry.label}"` },
      () => runCheck(entry),
    );
    if (result.ok) {
      void showInfo(`"${entry.label}" is reachable: connected in ${result.durationMs} ms.`);
    } else {
      void showError(result.message ?? `Could not connect to "${entry.label}".`);
    }
    test.label = '$(plug) Test Connection again';
  }
}
