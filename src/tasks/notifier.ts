import * as vscode from 'vscode';
import type { DeviceEntry } from '../devices/merge';
import type { Notification } from '../sender/types';
import { sendAndReport } from '../sending/report';
import type { Services } from '../services';
import { showMessage } from '../ui';
import { describeSkip, skipReason } from './filter';
import { TaskRunTracker, type FinishedTaskRun } from './runs';
import { readTaskSettings, type TaskNotificationSettings } from './settings';
import { taskMessage } from './template';

const OPEN_SETTINGS = 'Open Settings';

/**
 * Sends a notification when a task finishes, following `devicePush.taskNotifications.*`.
 * `TaskRunTracker` decides what one run is; this module decides whether and where it is sent.
 * Returns the tracker, whose `onDidFinish` fires once per finished top-level run.
 */
export function registerTaskNotifications(services: Services): TaskRunTracker {
  const tracker = new TaskRunTracker(services.log);
  const notifier = new TaskNotifier(services);
  services.context.subscriptions.push(
    tracker,
    tracker.onDidFinish((run) => void notifier.notify(run)),
  );
  return tracker;
}

class TaskNotifier {
  /** Device names already reported as missing, so each is reported once per window. */
  private readonly reportedMissing = new Set<string>();
  private reportedNoDevice = false;

  constructor(private readonly services: Services) {}

  async notify(run: FinishedTaskRun): Promise<void> {
    const { log } = this.services;
    const { info } = run;
    const settings = readTaskSettings(run.folderUri);
    if (!settings.enabled) {
      log.trace(`Task "${info.name}" ${info.status}: task notifications are off.`);
      return;
    }
    const skip = skipReason(info, settings);
    if (skip) {
      log.info(
        `Task "${info.name}" ${info.status}: no notification, because ${describeSkip(skip)}.`,
      );
      return;
    }
    const entries = this.devicesFor(settings);
    if (entries.length === 0) {
      return;
    }
    const notification: Notification = {
      message: taskMessage(info, settings),
      priority: info.status === 'succeeded' ? 'normal' : 'high',
      task: info,
    };
    log.info(
      `Task "${info.name}" ${info.status}` +
        `${info.exitCode === undefined ? '' : ` with exit code ${info.exitCode}`} after ` +
        `${info.durationMs} ms: notifying ${entries.map((entry) => `"${entry.label}"`).join(', ')}.`,
    );
    try {
      await sendAndReport(this.services, entries, notification, 'task');
    } catch (error) {
      log.error(`Task notification for "${info.name}" failed: ${String(error)}`);
    }
  }

  /**
   * Returns the devices named in `devicePush.taskNotifications.devices`, or the default device
   * when that list is empty. Names that match no device are logged and reported once.
   */
  private devicesFor(settings: TaskNotificationSettings): DeviceEntry[] {
    const { registry, log } = this.services;
    if (settings.devices.length === 0) {
      const fallback = registry.defaultDevice();
      if (!fallback) {
        this.reportNoDevice();
        return [];
      }
      return [fallback];
    }
    const found: DeviceEntry[] = [];
    for (const name of settings.devices) {
      const entry = registry.find(name);
      if (entry) {
        found.push(entry);
      } else if (!this.reportedMissing.has(name.toLowerCase())) {
        this.reportedMissing.add(name.toLowerCase());
        const text =
          `Task notifications: no device named "${name}". Fix ` +
          '"devicePush.taskNotifications.devices" or add the device.';
        log.warn(text);
        void this.offerSettings(text);
      }
    }
    return found;
  }

  private reportNoDevice(): void {
    const text =
      'Task notifications are on, but no device is chosen: set ' +
      '"devicePush.taskNotifications.devices" or "devicePush.defaultDevice".';
    this.services.log.warn(text);
    if (!this.reportedNoDevice) {
      this.reportedNoDevice = true;
      void this.offerSettings(text);
    }
  }

  private async offerSettings(text: string): Promise<void> {
    const choice = await showMessage('warning', text, {}, OPEN_SETTINGS);
    if (choice === OPEN_SETTINGS) {
      await vscode.commands.executeCommand(
        'workbench.action.openSettings',
        'devicePush.taskNotifications',
      );
    }
  }
}
