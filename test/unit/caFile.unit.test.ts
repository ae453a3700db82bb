import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readCaFile, resolveCaFilePath } from '../../src/devices/caFile';
import { CaFileError } from '../../src/devices/errors';

const context = { home: '/home/ada', baseDir: '/work/app', scopeLabel: 'Workspace settings' };
const userContext = { home: '/home/ada', scopeLabel: 'User settings' };

describe('resolveCaFilePath', () => {
  test('tilde means home', () => {
    assert.equal(resolveCaFilePath('Pi', '~/certs/ca.pem', context), '/home/ada/certs/ca.pem');
  });

  test('relative starts at base', () => {
    assert.equal(resolveCaFilePath('Pi', 'certs/../ca.pem', context), '/work/app/ca.pem');
  });

  test('workspaceFolder variable', () => {
    assert.equal(resolveCaFilePath('Pi', '${workspaceFolder}/ca.pem', context), '/work/app/ca.pem');
  });

  test('absolute path is kept', () => {
    assert.equal(resolveCaFilePath('Pi', '/etc/ca.pem', userContext), '/etc/ca.pem');
  });

  test('relative without base fails', () => {
    assert.throws(
      () => resolveCaFilePath('Pi', 'ca.pem', userContext),
      (error: unknown) =>
        error instanceof CaFileError &&
        error.code === 'ca-file-path' &&
        error.stage === 'tls-ca' &&
        /Device "Pi"/.test(error.message) &&
        /User settings/.test(error.message),
    );
  });
});

describe('readCaFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'device-push-ca-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('reads a PEM file', async () => {
    const path = join(dir, 'ca.pem');
    writeFileSync(path, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    assert.match(await readCaFile('Pi', 'ca.pem', path), /BEGIN CERTIFICATE/);
  });

  test('missing file names device', async () => {
    const path = join(dir, 'missing.pem');
    await assert.rejects(readCaFile('Pi', 'missing.pem', path), (error: unknown) => {
      assert.ok(error instanceof CaFileError);
      assert.equal(error.code, 'ca-file-unreadable');
      assert.match(error.message, /Device "Pi"/);
      assert.match(error.message, /missing\.pem/);
      assert.match(error.message, /ENOENT/);
      return true;
    });
  });

  test('non-PEM file is rejected', async () => {
    const path = join(dir, 'key.txt');
    writeFileSync(path, 'hello');
    await assert.rejects(readCaFile('Pi', 'key.txt', path), /not a PEM certificate/);
  });
});
