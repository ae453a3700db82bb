import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { definitionIdentity, identityKey } from '../../src/devices/identity';
import { mergeDeviceLists } from '../../src/devices/merge';

const WORKSPACE = 'file:///work/app';

function entryIn(scope: 'user' | 'workspace' | 'folder', device: Record<string, unknown>) {
  const merged = mergeDeviceLists([
    scope === 'folder'
      ? { scope, folderUri: 'file:///work/app/api', folderName: 'api', entries: [device] }
      : { scope, entries: [device] },
  ]);
  return merged[0];
}

function keyOf(scope: 'user' | 'workspace' | 'folder', device: Record<string, unknown>) {
  const identity = definitionIdentity(entryIn(scope, device), WORKSPACE);
  assert.ok(identity);
  return identityKey('token/', identity);
}

const pi = { name: 'Pi', host: '10.0.0.2', port: 7878 };

describe('definitionIdentity', () => {
  test('scopes get different keys', () => {
    const keys = new Set([keyOf('user', pi), keyOf('workspace', pi), keyOf('folder', pi)]);
    assert.equal(keys.size, 3);
  });

  test('address change changes key', () => {
    assert.notEqual(keyOf('user', pi), keyOf('user', { ...pi, port: 7879 }));
    assert.notEqual(keyOf('user', pi), keyOf('user', { ...pi, host: '10.0.0.3' }));
  });

  test('case and framing do not matter', () => {
    assert.equal(keyOf('user', pi), keyOf('user', { ...pi, name: 'PI', framing: 'json' }));
  });

  test('workspace id is part of key', () => {
    const entry = entryIn('workspace', pi);
    const first = identityKey('t/', definitionIdentity(entry, 'file:///one')!);
    const second = identityKey('t/', definitionIdentity(entry, 'file:///two')!);
    assert.notEqual(first, second);
  });

  test('user key ignores workspace', () => {
    const entry = entryIn('user', pi);
    const first = identityKey('t/', definitionIdentity(entry, 'file:///one')!);
    const second = identityKey('t/', definitionIdentity(entry, undefined)!);
    assert.equal(first, second);
  });

  test('invalid entry has none', () => {
    assert.equal(definitionIdentity(entryIn('user', { name: 'x' }), WORKSPACE), undefined);
  });
});
