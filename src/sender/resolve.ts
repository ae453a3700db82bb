import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { SendDeadline } from './deadline';

export interface ResolvedAddress {
  address: string;
  /** 4 or 6. */
  family: number;
}

/** Resolves a host name to every address it has, like `dns.lookup` with `all: true`. */
export type LookupFunction = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemLookup: LookupFunction = (hostname) => dnsLookup(hostname, { all: true });

/** Error raised when the lookup is abandoned because the send's deadline aborted. */
export class LookupAbortedError extends Error {
  constructor() {
    super('Host name lookup abandoned');
  }
}

/** Removes the brackets around an IPv6 literal such as `[::1]`; other hosts are returned as is. */
export function hostLiteral(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Returns the addresses to try for `host` in order. A literal IP (brackets allowed for IPv6)
 * skips the lookup. The lookup itself cannot be cancelled, so an abort of the deadline only
 * stops waiting for it.
 */
export async function resolveHost(
  host: string,
  lookup: LookupFunction,
  deadline: SendDeadline,
): Promise<ResolvedAddress[]> {
  const literal = hostLiteral(host);
  const family = isIP(literal);
  if (family !== 0) {
    return [{ address: literal, family }];
  }
  if (deadline.abortCause !== undefined) {
    throw new LookupAbortedError();
  }

  return new Promise<ResolvedAddress[]>((resolve, reject) => {
    const onAbort = (): void => reject(new LookupAbortedError());
    deadline.onAbort(onAbort);
    lookup(host).then(
      (addresses) => {
        deadline.offAbort(onAbort);
        if (addresses.length === 0) {
          reject(Object.assign(new Error(`No address found for ${host}`), { code: 'ENOTFOUND' }));
        } else {
          resolve(addresses);
        }
      },
      (error: unknown) => {
        deadline.offAbort(onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
