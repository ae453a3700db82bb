import { runAttempt, type AttemptResult } from './attempt';
import type { SendDeadline } from './deadline';
import { buildFailure, classifyError, errorCodeOf, formatAddress } from './errors';
import {
  LookupAbortedError,
  resolveHost,
  type LookupFunction,
  type ResolvedAddress,
} from './resolve';
import type { DeviceTarget, SendErrorCode, SendFailure, SendOutcome } from './types';

export interface DeliveryReport {
  outcome: SendOutcome;
  /** `ip:port` that was used or last tried. */
  address?: string;
  bytes: number;
  error?: SendFailure;
}

type FailedAttempt = Extract<AttemptResult, { ok: false }>;

/**
 * Looks up the device's host and tries its addresses in turn until one connects, all within
 * the deadline. Before the last address, each one gets an equal share of the time left for its
 * TCP connect, so a silent address cannot use up the whole deadline. Once a connection is
 * established no other address is tried, because the receiver may already have the payload.
 * With `payload` undefined the connection is only checked.
 */
export async function deliver(
  device: DeviceTarget,
  payload: Buffer | undefined,
  deadline: SendDeadline,
  lookup: LookupFunction,
): Promise<DeliveryReport> {
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolveHost(device.host, lookup, deadline);
  } catch (error) {
    if (error instanceof LookupAbortedError) {
      const code = deadline.abortCause ?? 'cancelled';
      return failedReport(buildFailure({ device, code, stage: 'lookup' }), 0);
    }
    const code = classifyError(error, 'lookup');
    return failedReport(buildFailure({ device, code, stage: 'lookup', cause: error }), 0);
  }

  const tried: { address: string; code: string; result: FailedAttempt }[] = [];
  for (let index = 0; index < addresses.length; index += 1) {
    const target = addresses[index];
    const address = formatAddress(target.address, device.port, target.family);
    const addressesLeft = addresses.length - index;
    const result = await runAttempt({
      device,
      target,
      payload,
      connectBudgetMs: addressesLeft > 1 ? deadline.remainingMs() / addressesLeft : Infinity,
      deadline,
    });
    if (result.ok) {
      return { outcome: result.outcome, address, bytes: result.bytes };
    }

    tried.push({ address, code: errorCodeOf(result.cause) ?? result.code, result });
    const tryNext = addressesLeft > 1 && result.stage === 'connect' && isConnectFailure(result);
    if (!tryNext) {
      break;
    }
  }
  return failedReport(failureFor(device, tried), tried[tried.length - 1].result.bytes);
}

/** Whether the attempt failed to connect for a reason that another address may not share. */
function isConnectFailure(result: FailedAttempt): boolean {
  if (result.connectBudgetExpired) {
    return true;
  }
  return result.code !== 'cancelled' && result.code !== 'timed-out';
}

function failureFor(
  device: DeviceTarget,
  tried: { address: string; code: string; result: FailedAttempt }[],
): SendFailure {
  const last = tried[tried.length - 1];
  const attempts =
    tried.length > 1 ? tried.map(({ address, code }) => ({ address, code })) : undefined;
  return buildFailure({
    device,
    code: attempts
      ? summaryCode(
          tried.map(({ result }) => result.code),
          last.result.code,
        )
      : last.result.code,
    stage: last.result.stage,
    address: last.address,
    cause: last.result.cause,
    detail: last.result.detail,
    attempts,
  });
}

/** Picks one code for several failed addresses: the shared one, else `refused` when any was. */
function summaryCode(codes: SendErrorCode[], lastCode: SendErrorCode): SendErrorCode {
  if (codes.every((code) => code === codes[0])) {
    return codes[0];
  }
  return codes.includes('refused') ? 'refused' : lastCode;
}

function failedReport(error: SendFailure, bytes: number): DeliveryReport {
  const report: DeliveryReport = { outcome: 'failed', bytes, error };
  if (error.address) {
    report.address = error.address;
  }
  return report;
}
