import type * as vscode from 'vscode';
import type { DeviceApprovals } from './devices/approval';
import type { PendingCounts } from './devices/pending';
import type { DeviceRegistry } from './devices/registry';
import type { DeviceStates } from './devices/state';
import type { DeviceTokens } from './devices/tokens';
import type { SendService } from './sending/service';

/**
 * Long-lived objects created once in `activate()` and handed to every feature.
 * Each feature module adds what it owns here.
 */
export interface Services {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  registry: DeviceRegistry;
  /** Device tokens in SecretStorage; `get` throws `TokenUnavailableError` when storage fails. */
  tokens: DeviceTokens;
  /** Approval of devices that a workspace defines, asked before the first send. */
  approvals: DeviceApprovals;
  /** Last send or connection-test state of each device, shown in the Devices view. */
  states: DeviceStates;
  /** Notifications waiting per device; the outbox sets the counter. */
  pending: PendingCounts;
  /** The one path every notification takes to its devices; see `src/sending/service.ts`. */
  sending: SendService;
}
