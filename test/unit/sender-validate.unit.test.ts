import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sendNotification, testConnection, validateTarget } from '../../src/sender';
import { buildFailure, classifyError, describeCause, errorCodeOf } from '../../src/sender/errors';
import type { DeviceTarget } from '../../src/sender/types';
import { testDevice } from './helpers/devices';

function device(overrides: Partial<DeviceTarget>): DeviceTarget {
  return testDevice(9000, { name: 'Pi', ...overrides });
}

describe('device validation', () => {
  test('valid device passes', () => {
    assert.equal(validateTarget(device({})), undefined);
    assert.equal(validateTarget(device({ framing: 'json', token: 't' })), undefined);
    assert.equal(validateTarget(device({ host: '[::1]', port: 65535, maxBytes: 16 })), undefined);
  });

  test('token needs json framing', () => {
    for (const framing of ['raw', 'line', 'length-prefixed'] as const) {
      const failure = validateTarget(device({ framing, token: 'secret' }));
      assert.equal(failure?.code, 'invalid-device', framing);
      assert.equal(failure?.stage, 'validate', framing);
      assert.equal(failure?.device, 'Pi', framing);
      assert.match(failure?.message ?? '', /switch the device to the json framing/i, framing);
      assert.doesNotMatch(failure?.message ?? '', /secret/, 'the token stays out of messages');
    }
  });

  test('basic fields are checked', () => {
    const cases: [Partial<DeviceTarget>, RegExp][] = [
      [{ host: '' }, /host is empty/],
      [{ host: '  ' }, /host is empty/],
      [{ host: 'tcp://pi' }, /contains a space or "\/"/],
      [{ host: '127.0.0.1:7878' }, /contains a port/],
      [{ port: 0 }, /port 0 is invalid/],
      [{ port: 65536 }, /port 65536 is invalid/],
      [{ port: 80.5 }, /port 80\.5 is invalid/],
      [{ timeoutMs: 0 }, /timeout 0 ms is invalid/],
      [{ timeoutMs: Number.NaN }, /timeout NaN ms is invalid/],
      [{ maxBytes: 15 }, /byte limit 15 is invalid/],
      [{ framing: 'xml' as DeviceTarget['framing'] }, /framing "xml" is unknown/],
      [{ lineEnding: 'cr' as DeviceTarget['lineEnding'] }, /line ending "cr" is unknown/],
      [{ lineBreaks: 'drop' as DeviceTarget['lineBreaks'] }, /line break rule "drop" is unknown/],
      [{ ack: { expect: ' ' } }, /expected acknowledgement is empty/],
      [{ tls: { fingerprint: 'AB:CD' } }, /not a SHA-256 fingerprint/],
      [{ tls: { ca: 'not a certificate' } }, /not a PEM certificate/],
    ];
    for (const [overrides, pattern] of cases) {
      const failure = validateTarget(device(overrides));
      assert.equal(failure?.code, 'invalid-device', JSON.stringify(overrides));
      assert.match(failure?.message ?? '', pattern);
    }
  });

  test('every problem is listed', () => {
    const failure = validateTarget(device({ host: '', port: 0, maxBytes: 1 }));
    assert.match(failure?.message ?? '', /host is empty.*port 0.*byte limit 1/);
  });

  test('invalid device never connects', async () => {
    const result = await sendNotification(device({ port: 0 }), { message: 'hi' });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.error?.code, 'invalid-device');
    assert.equal(result.bytes, 0);
    const check = await testConnection(device({ port: 0 }));
    assert.equal(check.ok, false);
    assert.equal(check.error?.code, 'invalid-device');
  });

  test('empty message is rejected', async () => {
    const result = await sendNotification(device({}), { message: '  ', title: 'x' });
    assert.equal(result.error?.code, 'message-rejected');
    assert.equal(result.error?.stage, 'validate');
    assert.match(result.error?.message ?? '', /message is empty/);
  });

  test('bad input never throws', async () => {
    const result = await sendNotification(null as unknown as DeviceTarget, { message: 'hi' });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.error?.code, 'unknown');
  });
});

describe('error descriptions', () => {
  test('aggregate error gets description', () => {
    const error = new AggregateError(
      [
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
        Object.assign(new Error('connect ECONNREFUSED ::1:9'), { code: 'ECONNREFUSED' }),
      ],
      '',
    );
    assert.equal(errorCodeOf(error), 'ECONNREFUSED');
    assert.equal(classifyError(error, 'connect'), 'refused');
    assert.match(describeCause(error), /ECONNREFUSED 127\.0\.0\.1:9.*ECONNREFUSED ::1:9/);
  });

  test('errno codes map to codes', () => {
    const cases: [string, Parameters<typeof classifyError>[1], string][] = [
      ['ECONNREFUSED', 'connect', 'refused'],
      ['ENOTFOUND', 'lookup', 'not-found'],
      ['EAI_AGAIN', 'lookup', 'not-found'],
      ['EHOSTUNREACH', 'connect', 'unreachable'],
      ['ENETUNREACH', 'connect', 'unreachable'],
      ['ECONNRESET', 'write', 'reset'],
      ['EPIPE', 'write', 'reset'],
      ['ECONNRESET', 'tls', 'tls-failed'],
      ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls', 'tls-untrusted'],
      ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls', 'tls-untrusted'],
      ['EWHATEVER', 'write', 'unknown'],
    ];
    for (const [errno, stage, expected] of cases) {
      const error = Object.assign(new Error(errno), { code: errno });
      assert.equal(classifyError(error, stage), expected, `${errno} in ${stage}`);
    }
  });

  test('messages name device and step', () => {
    const target = device({ host: 'pi.local', ack: { expect: 'OK' } });
    const codes = [
      'refused',
      'not-found',
      'unreachable',
      'timed-out',
      'reset',
      'peer-closed',
      'tls-failed',
      'tls-untrusted',
      'fingerprint-mismatch',
      'ack-missing',
      'ack-mismatch',
      'unknown',
    ] as const;
    for (const code of codes) {
      const failure = buildFailure({
        device: target,
        code,
        stage: 'connect',
        address: '10.0.0.9:9000',
      });
      assert.match(failure.message, /"Pi"/, code);
      assert.match(failure.message, /pi\.local|10\.0\.0\.9:9000/, code);
      assert.match(failure.message, /\.\s\S.*[.?]$/, `${code} has a next step: ${failure.message}`);
    }
  });
});
