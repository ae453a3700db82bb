import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeLineMessage, parseJsonNotification } from '../../src/receiver/payload';
import { tokensEqual } from '../../src/receiver/token';

void test('line escapes are decoded', () => {
  const cases: [string, string][] = [
    ['plain', 'plain'],
    ['a\\nb', 'a\nb'],
    ['a\\r\\nb', 'a\r\nb'],
    ['C:\\\\new', 'C:\\new'],
    ['\\\\n', '\\n'],
    ['keep \\t and \\x', 'keep \\t and \\x'],
    ['trailing \\', 'trailing \\'],
  ];
  for (const [line, expected] of cases) {
    assert.equal(decodeLineMessage(line, 'escape'), expected, line);
  }
});

void test('space rule keeps backslashes', () => {
  assert.equal(decodeLineMessage('C:\\new\\\\x', 'space'), 'C:\\new\\\\x');
});

void test('json notification fields are read', () => {
  const result = parseJsonNotification(
    JSON.stringify({
      title: 'Build',
      message: 'done',
      source: 'vscode',
      priority: 'high',
      timestamp: '2026-01-02T03:04:05.000Z',
      task: { name: 'build', status: 'failed', exitCode: 2, durationMs: 1500, folder: 'app' },
      token: 'secret',
      extra: 'ignored',
    }),
  );
  assert.equal(result.ok, true);
  assert.ok(result.ok);
  assert.deepEqual(result.fields, {
    title: 'Build',
    message: 'done',
    source: 'vscode',
    priority: 'high',
    sentAt: new Date('2026-01-02T03:04:05.000Z'),
    task: { name: 'build', status: 'failed', exitCode: 2, durationMs: 1500, folder: 'app' },
    token: 'secret',
  });
});

void test('json null fields count absent', () => {
  const result = parseJsonNotification('{"message":"m","title":null,"task":null,"timestamp":null}');
  assert.ok(result.ok);
  assert.deepEqual(result.fields, { message: 'm' });
});

void test('invalid json lines are rejected', () => {
  const cases: [string, 'invalid-json' | 'invalid-notification', RegExp][] = [
    ['{bad', 'invalid-json', /JSON/],
    ['[1,2]', 'invalid-json', /object/],
    ['"text"', 'invalid-json', /object/],
    ['{}', 'invalid-notification', /"message" is missing/],
    ['{"message":5}', 'invalid-notification', /"message" must be a string/],
    ['{"message":"m","title":1}', 'invalid-notification', /"title"/],
    ['{"message":"m","priority":"urgent"}', 'invalid-notification', /"priority"/],
    ['{"message":"m","timestamp":"yesterday"}', 'invalid-notification', /"timestamp"/],
    ['{"message":"m","task":"build"}', 'invalid-notification', /"task" must be an object/],
    ['{"message":"m","task":{"name":"b"}}', 'invalid-notification', /needs name, status/],
    [
      '{"message":"m","task":{"name":"b","status":"ok","durationMs":1}}',
      'invalid-notification',
      /"task.status"/,
    ],
    ['{"message":"m","token":7}', 'invalid-notification', /"token"/],
  ];
  for (const [line, code, reason] of cases) {
    const result = parseJsonNotification(line);
    assert.equal(result.ok, false, line);
    assert.ok(!result.ok);
    assert.equal(result.code, code, line);
    assert.match(result.reason, reason, line);
  }
});

void test('tokens compare exactly', () => {
  assert.equal(tokensEqual('s3cret', 's3cret'), true);
  assert.equal(tokensEqual('s3cret', 's3creT'), false);
  assert.equal(tokensEqual('s3cret', 's3cret '), false);
  assert.equal(tokensEqual('', 's3cret'), false);
  assert.equal(tokensEqual('ключ😀', 'ключ😀'), true);
});
