import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findDevice, mergeDeviceLists, scopeLabel, type ScopedList } from '../../src/devices/merge';

const device = (name: string, port = 7000): Record<string, unknown> => ({
  name,
  host: '127.0.0.1',
  port,
});

const FOLDER = 'file:///work/api';

function lists(user: unknown, workspace?: unknown, folder?: unknown): ScopedList[] {
  return [
    { scope: 'user', entries: user },
    { scope: 'workspace', entries: workspace },
    { scope: 'folder', folderUri: FOLDER, folderName: 'api', entries: folder },
  ];
}

describe('mergeDeviceLists', () => {
  test('scopes are listed in order', () => {
    const merged = mergeDeviceLists(lists([device('A')], [device('B')], [device('C')]));
    assert.deepEqual(
      merged.map((entry) => [entry.label, entry.scope]),
      [
        ['A', 'user'],
        ['B', 'workspace'],
        ['C', 'folder'],
      ],
    );
  });

  test('folder wins a name clash', () => {
    const merged = mergeDeviceLists(lists([device('A', 1)], [device('a', 2)], [device('A', 3)]));
    assert.equal(merged.length, 1);
    assert.equal(merged[0].scope, 'folder');
    assert.equal(merged[0].config?.port, 3);
    assert.deepEqual(merged[0].shadows, ['workspace#0', 'user#0']);
  });

  test('workspace wins over user', () => {
    const merged = mergeDeviceLists(lists([device('A', 1), device('B')], [device('A', 2)]));
    assert.deepEqual(
      merged.map((entry) => [entry.label, entry.scope, entry.config?.port]),
      [
        ['B', 'user', 7000],
        ['A', 'workspace', 2],
      ],
    );
  });

  test('duplicate in one scope is invalid', () => {
    const merged = mergeDeviceLists(lists([device('A', 1), device('A', 2)]));
    assert.equal(merged.length, 2);
    assert.ok(merged[0].config);
    assert.equal(merged[1].config, undefined);
    assert.match(merged[1].problems[0], /Duplicate name "A"/);
  });

  test('invalid entry is kept', () => {
    const merged = mergeDeviceLists(lists([{ name: 'NoHost', port: 1 }, device('B')]));
    assert.equal(merged.length, 2);
    assert.equal(merged[0].label, 'NoHost');
    assert.equal(merged[0].config, undefined);
    assert.match(merged[0].problems[0], /Missing "host"/);
    assert.ok(merged[1].config);
  });

  test('nameless entry gets a label', () => {
    const merged = mergeDeviceLists(lists([device('A'), { host: 'x', port: 1 }]));
    assert.equal(merged[1].label, 'entry 2');
    assert.equal(merged[1].index, 1);
  });

  test('non-list setting is reported', () => {
    const merged = mergeDeviceLists(lists({ name: 'A' }));
    assert.equal(merged.length, 1);
    assert.equal(merged[0].index, -1);
    assert.match(merged[0].problems[0], /is not a list/);
  });

  test('ids carry scope and folder', () => {
    const merged = mergeDeviceLists(lists([device('A')], undefined, [device('C')]));
    assert.deepEqual(
      merged.map((entry) => entry.id),
      ['user#0', `folder:${FOLDER}#0`],
    );
  });

  test('invalid entry still wins clash', () => {
    // A broken workspace definition hides the user device instead of silently falling back.
    const merged = mergeDeviceLists(lists([device('A')], [{ name: 'A', port: 0, host: 'x' }]));
    assert.equal(merged.length, 1);
    assert.equal(merged[0].scope, 'workspace');
    assert.equal(merged[0].config, undefined);
    assert.deepEqual(merged[0].shadows, ['user#0']);
  });

  test('findDevice ignores case and invalid', () => {
    const merged = mergeDeviceLists(lists([device('Pi'), { name: 'Bad', host: 'x' }]));
    assert.equal(findDevice(merged, ' pi ')?.label, 'Pi');
    assert.equal(findDevice(merged, 'Bad'), undefined);
  });

  test('scopeLabel names the settings', () => {
    assert.equal(scopeLabel({ scope: 'user' }), 'User settings');
    assert.equal(scopeLabel({ scope: 'workspace' }), 'Workspace settings');
    assert.equal(scopeLabel({ scope: 'folder', folderName: 'api' }), 'Folder "api" settings');
  });
});
