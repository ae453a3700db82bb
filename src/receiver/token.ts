import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two tokens in time that does not depend on where they differ.
 * Both are hashed first, because `timingSafeEqual` needs inputs of equal length.
 */
export function tokensEqual(received: string, expected: string): boolean {
  const receivedDigest = createHash('sha256').update(received, 'utf8').digest();
  const expectedDigest = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(receivedDigest, expectedDigest);
}
