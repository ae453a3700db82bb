import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'device-push.device-push';

interface Manifest {
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    configuration: {
      properties: Record<
        string,
        { default?: unknown; markdownDescription?: string; description?: string }
      >;
    };
  };
}

function manifest(): Manifest {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in the test host`);
  return extension.packageJSON as Manifest;
}

describe('smoke', () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  it('extension activates', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension?.isActive);
  });

  it('every declared command is registered', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest()
      .contributes.commands.map((entry) => entry.command)
      .filter((command) => !registered.has(command));
    assert.deepEqual(missing, []);
  });

  it('every declared view opens', async () => {
    for (const views of Object.values(manifest().contributes.views)) {
      for (const view of views) {
        await vscode.commands.executeCommand(`${view.id}.focus`);
      }
    }
  });

  it('every setting has default and description', () => {
    const properties = manifest().contributes.configuration.properties;
    for (const [key, schema] of Object.entries(properties)) {
      assert.ok('default' in schema, `${key} has no default`);
      assert.ok(schema.markdownDescription ?? schema.description, `${key} has no description`);
    }
  });

  it('every setting is readable', () => {
    const properties = manifest().contributes.configuration.properties;
    for (const key of Object.keys(properties)) {
      const section = key.slice(0, key.indexOf('.'));
      const name = key.slice(key.indexOf('.') + 1);
      const inspected = vscode.workspace.getConfiguration(section).inspect(name);
      assert.ok(inspected, `${key} cannot be read`);
      assert.notEqual(inspected.defaultValue, undefined, `${key} has no default in the host`);
    }
  });
});
