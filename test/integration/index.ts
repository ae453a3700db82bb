// Entry point that the VS Code extension host loads to run the integration suite with mocha.
// It prints one summary line, `integration: N passed, N failed, N skipped`, that the test
// runner reads.

import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const TEST_TIMEOUT_MS = 20_000;

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: TEST_TIMEOUT_MS });
  const grep = process.env.DEVICE_PUSH_TEST_GREP;
  if (grep) {
    mocha.grep(grep);
  }
  const suiteDir = join(__dirname, process.env.DEVICE_PUSH_SUITE ?? 'main');
  for (const file of readdirSync(suiteDir).sort()) {
    if (file.endsWith('.test.js')) {
      mocha.addFile(join(suiteDir, file));
    }
  }
  return new Promise((resolve, reject) => {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const runner = mocha.run(() => {
      console.log(`integration: ${passed} passed, ${failed} failed, ${skipped} skipped`);
      if (failed > 0) {
        reject(new Error(`${failed} integration tests failed`));
      } else {
        resolve();
      }
    });
    runner.on('pass', () => passed++);
    runner.on('fail', () => failed++);
    runner.on('pending', () => skipped++);
  });
}
