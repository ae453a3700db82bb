// Runs the `main` integration suite in a desktop VS Code downloaded by @vscode/test-electron.
// For contributors with a network and a display; the offline route is `npm test`.

import { runTests } from '@vscode/test-electron';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out/test/integration/index'),
    extensionTestsEnv: { DEVICE_PUSH_SUITE: process.env.DEVICE_PUSH_SUITE ?? 'main' },
    launchArgs: [join(root, 'test/fixtures/workspace'), '--disable-extensions'],
  });
} catch (error) {
  console.error(`The desktop VS Code test run failed: ${error.message}`);
  process.exit(1);
}
