import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { locateDeviceEntry } from '../../src/devices/locate';

const SETTINGS = `{
  // "devicePush.devices": [ "in a comment" ],
  "editor.fontSize": 14,
  "other": "devicePush.devices",
  "devicePush.devices": [
    { "name": "A", "host": "x", "port": 1, "tags": ["a", "b"] },
    /* a comment between entries, with a } brace */
    { "name": "B \\" quoted", "host": "y", "port": 2 },
    { "name": "C", "host": "z", "port": 3 },
  ],
}`;

describe('locateDeviceEntry', () => {
  test('finds the key outside comments', () => {
    const location = locateDeviceEntry(SETTINGS, 0);
    assert.ok(location);
    assert.equal(location.keyOffset, SETTINGS.lastIndexOf('"devicePush.devices": ['));
  });

  test('finds each entry', () => {
    for (const [index, name] of [
      [0, '"A"'],
      [1, '"B'],
      [2, '"C"'],
    ] as const) {
      const location = locateDeviceEntry(SETTINGS, index);
      const expected = SETTINGS.lastIndexOf('{', SETTINGS.indexOf(`"name": ${name}`));
      assert.equal(location?.entryOffset, expected, `entry ${index}`);
    }
  });

  test('index past the end', () => {
    const location = locateDeviceEntry(SETTINGS, 3);
    assert.ok(location);
    assert.equal(location.entryOffset, undefined);
  });

  test('missing key', () => {
    assert.equal(locateDeviceEntry('{ "a": 1 }', 0), undefined);
  });

  test('setting that is not a list', () => {
    const text = '{ "devicePush.devices": { "name": "A" } }';
    assert.deepEqual(locateDeviceEntry(text, 0), { keyOffset: 2 });
  });

  test('nested under workspace settings', () => {
    const text = '{ "folders": [], "settings": { "devicePush.devices": [ 1, {"name":"B"} ] } }';
    assert.equal(locateDeviceEntry(text, 1)?.entryOffset, text.indexOf('{"name"'));
  });
});
