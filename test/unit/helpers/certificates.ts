import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  cert: string;
  key: string;
  /** SHA-256 fingerprint as Node prints it: uppercase hex pairs joined by colons. */
  fingerprint256: string;
}

/**
 * Generates a self-signed P-256 certificate with the `openssl` command, valid for one day for
 * 127.0.0.1, ::1 and localhost. Throws when `openssl` is missing.
 */
export function createSelfSignedCertificate(commonName: string): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'device-push-cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyPath,
        '-out',
        certPath,
        '-subj',
        `/CN=${commonName}`,
        '-addext',
        'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
        '-days',
        '1',
      ],
      { stdio: 'pipe' },
    );
    const cert = readFileSync(certPath, 'utf8');
    const key = readFileSync(keyPath, 'utf8');
    return { cert, key, fingerprint256: new X509Certificate(cert).fingerprint256 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes a certificate and its key to a fresh temp folder, for peers that read files. */
export function writeCertificateFiles(certificate: TestCertificate): {
  dir: string;
  certPath: string;
  keyPath: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'device-push-peer-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync('sh', ['-c', 'cat > "$0"', certPath], { input: certificate.cert });
  execFileSync('sh', ['-c', 'cat > "$0"', keyPath], { input: certificate.key });
  return { dir, certPath, keyPath };
}
