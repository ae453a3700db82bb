import type { DeviceTarget } from '../../../src/sender/types';

/** Short deadline for tests that expect a send to finish or fail quickly on loopback. */
export const TEST_TIMEOUT_MS = 2000;

/** Returns a raw-framing device for `host:port` with test-sized limits, plus any overrides. */
export function testDevice(port: number, overrides: Partial<DeviceTarget> = {}): DeviceTarget {
  return {
    name: 'Test device',
    host: '127.0.0.1',
    port,
    framing: 'raw',
    lineEnding: 'lf',
    lineBreaks: 'escape',
    maxBytes: 4096,
    timeoutMs: TEST_TIMEOUT_MS,
    ...overrides,
  };
}
