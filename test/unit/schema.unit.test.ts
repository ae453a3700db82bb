import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toTarget, validateDeviceEntry, type DeviceConfig } from '../../src/devices/schema';

const minimal = { name: 'Pi', host: '192.168.1.20', port: 7878 };

function problemsOf(entry: unknown): string[] {
  const result = validateDeviceEntry(entry);
  assert.equal(result.ok, false, 'expected the entry to be invalid');
  return result.ok ? [] : result.problems;
}

function configOf(entry: unknown): DeviceConfig {
  const result = validateDeviceEntry(entry);
  assert.ok(result.ok, `expected a valid entry: ${JSON.stringify(result)}`);
  return result.config;
}

describe('validateDeviceEntry', () => {
  test('minimal entry gets defaults', () => {
    const config = configOf(minimal);
    assert.equal(config.framing, 'raw');
    assert.equal(config.lineEnding, 'lf');
    assert.equal(config.lineBreaks, 'escape');
    assert.equal(config.maxBytes, 4096);
    assert.equal(config.timeoutMs, 5000);
    assert.equal(config.tls, false);
    assert.equal(config.ack, false);
    assert.equal(config.ackText, 'OK');
    assert.equal(config.enabled, true);
  });

  test('name and host are trimmed', () => {
    const config = configOf({ ...minimal, name: '  Pi ', host: ' pi.local ' });
    assert.equal(config.name, 'Pi');
    assert.equal(config.host, 'pi.local');
  });

  test('missing host is reported', () => {
    const problems = problemsOf({ name: 'Pi', port: 7878 });
    assert.equal(problems.length, 1);
    assert.match(problems[0], /Missing "host"/);
  });

  test('missing port is reported', () => {
    assert.match(problemsOf({ name: 'Pi', host: 'pi' })[0], /Missing "port"/);
  });

  test('port zero and out of range', () => {
    for (const port of [0, -1, 65536, 80.5, '7878']) {
      const problems = problemsOf({ ...minimal, port });
      assert.match(problems[0], /Invalid "port"/, `port ${JSON.stringify(port)}`);
    }
  });

  test('port limits are accepted', () => {
    assert.equal(configOf({ ...minimal, port: 1 }).port, 1);
    assert.equal(configOf({ ...minimal, port: 65535 }).port, 65535);
  });

  test('unknown framing is reported', () => {
    const problems = problemsOf({ ...minimal, framing: 'xml' });
    assert.match(problems[0], /Unknown "framing" "xml"/);
    assert.match(problems[0], /raw, line, json, length-prefixed/);
  });

  test('missing name is reported', () => {
    const result = validateDeviceEntry({ host: 'pi', port: 1 });
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.name, undefined);
      assert.match(result.problems[0], /Missing "name"/);
    }
  });

  test('invalid entry keeps its name', () => {
    const result = validateDeviceEntry({ name: 'Pi', port: 1 });
    assert.ok(!result.ok);
    assert.equal(result.name, 'Pi');
  });

  test('non-object entries are rejected', () => {
    for (const entry of [null, 'Pi', 42, [minimal]]) {
      assert.match(problemsOf(entry)[0], /not an object/);
    }
  });

  test('host with scheme or path', () => {
    for (const host of ['http://pi', 'pi/x', '[::1]', 'pi local']) {
      assert.match(problemsOf({ ...minimal, host })[0], /Invalid "host"/, host);
    }
  });

  test('host with a port', () => {
    assert.match(problemsOf({ ...minimal, host: '127.0.0.1:7878' })[0], /put the port in "port"/);
    assert.match(problemsOf({ ...minimal, host: 'pi.local:80' })[0], /put the port in "port"/);
    assert.equal(configOf({ ...minimal, host: '::1' }).host, '::1');
    assert.equal(configOf({ ...minimal, host: 'fe80::1' }).host, 'fe80::1');
  });

  test('unknown field is reported', () => {
    assert.match(problemsOf({ ...minimal, colour: 'red' })[0], /Unknown field "colour"/);
  });

  test('every problem is listed', () => {
    const problems = problemsOf({ name: '', port: 0, framing: 'x', tls: 'yes' });
    assert.equal(problems.length, 5);
  });

  test('TLS options need tls', () => {
    const problems = problemsOf({ ...minimal, tlsCaFile: '/ca.pem' });
    assert.match(problems[0], /need "tls": true/);
  });

  test('fingerprint pattern is checked', () => {
    assert.match(
      problemsOf({ ...minimal, tls: true, tlsFingerprint: 'abc' })[0],
      /Invalid "tlsFingerprint"/,
    );
    const fingerprint = 'AB:'.repeat(31) + 'AB';
    assert.equal(
      configOf({ ...minimal, tls: true, tlsFingerprint: fingerprint }).tlsFingerprint,
      fingerprint,
    );
  });

  test('ackText needs ack', () => {
    assert.match(problemsOf({ ...minimal, ackText: 'YES' })[0], /"ackText" needs "ack": true/);
    assert.equal(configOf({ ...minimal, ack: true, ackText: ' YES ' }).ackText, 'YES');
  });

  test('timeout and size limits', () => {
    assert.match(problemsOf({ ...minimal, timeoutMs: 99 })[0], /Invalid "timeoutMs"/);
    assert.match(problemsOf({ ...minimal, maxBytes: 15 })[0], /Invalid "maxBytes"/);
    assert.match(problemsOf({ ...minimal, outboxTtlMinutes: 0 })[0], /outboxTtlMinutes/);
  });
});

describe('toTarget', () => {
  test('plain device has no TLS', () => {
    const target = toTarget(configOf(minimal));
    assert.equal(target.tls, undefined);
    assert.equal(target.ack, undefined);
    assert.equal(target.token, undefined);
    assert.equal(target.host, '192.168.1.20');
  });

  test('token and CA are passed', () => {
    const config = configOf({ ...minimal, tls: true, tlsCaFile: 'ca.pem', ack: true });
    const target = toTarget(config, { token: 's3cret', caPem: 'PEM' });
    assert.equal(target.token, 's3cret');
    assert.deepEqual(target.tls, { ca: 'PEM' });
    assert.deepEqual(target.ack, { expect: 'OK' });
  });

  test('empty token is left out', () => {
    assert.equal(toTarget(configOf(minimal), { token: '' }).token, undefined);
  });
});
