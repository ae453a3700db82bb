/** Reduces a SHA-256 fingerprint to lowercase hex, dropping colons, spaces and dashes. */
export function normaliseFingerprint(fingerprint: string): string {
  return fingerprint.replace(/[\s:-]/g, '').toLowerCase();
}

/** Formats a fingerprint as uppercase hex pairs joined by colons, as `openssl x509` prints it. */
export function formatFingerprint(fingerprint: string): string {
  const hex = normaliseFingerprint(fingerprint).toUpperCase();
  return hex.match(/.{1,2}/g)?.join(':') ?? hex;
}

export function fingerprintsMatch(expected: string, actual: string): boolean {
  return normaliseFingerprint(expected) === normaliseFingerprint(actual);
}
