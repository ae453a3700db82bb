import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

// Compiled to out/test/unit/, three levels below the project root.
const root = join(__dirname, '../../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    configuration: { properties: Record<string, { items?: { properties?: object } }> };
  };
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const settings = manifest.contributes.configuration.properties;

describe('README covers the manifest', () => {
  test('every setting is named', () => {
    const missing = Object.keys(settings).filter((key) => {
      const leaf = key.split('.').pop() ?? key;
      return !readme.includes(key) && !readme.includes(`/ \`${leaf}\``);
    });
    assert.deepEqual(missing, []);
  });

  test('every device field is named', () => {
    const fields = Object.keys(settings['devicePush.devices'].items?.properties ?? {});
    assert.ok(fields.length > 10, 'the device schema lists its fields');
    const missing = fields.filter((field) => !readme.includes(`| \`${field}\``));
    assert.deepEqual(missing, []);
  });

  test('every palette command is listed', () => {
    const missing = manifest.contributes.commands
      .map((command) =>
        command.title.replace(/^(Start|Stop) Local Receiver$/, 'Start / Stop Local Receiver'),
      )
      .filter((title) => !readme.includes(title));
    assert.deepEqual(missing, []);
  });
});
