// Puts the built extension into a code-server extensions folder.
//
// code-server is a built VS Code, which reads the `extensionDevelopmentPath` of its URL payload
// only with the smoke-test driver on, and that driver hides every notification toast. So the
// browser window of `npm start` gets the extension as an installed one instead. The files that a
// VSIX would contain are copied into a new folder of an emptied extensions folder. VS Code (1.139,
// in code-server 4.139.1) registers every extension folder it finds there on start.

import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './sample.mjs';

/**
 * Files the extension needs at run time, as .vscodeignore lists them for the VSIX. All of dist/
 * is copied, because the extension loads dist/receiverCore.js when the local receiver starts.
 */
const RUNTIME_FILES = ['package.json', 'dist', 'media', 'README.md', 'CHANGELOG.md'];

/** Replaces the content of `extensionsDir` with the current build. Returns the extension id. */
export function installBuiltExtension(extensionsDir) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const id = `${manifest.publisher}.${manifest.name}`;
  const target = join(extensionsDir, `${id}-${manifest.version}`);
  rmSync(extensionsDir, { recursive: true, force: true });
  mkdirSync(join(target, 'dist'), { recursive: true });
  for (const file of RUNTIME_FILES) {
    const source = join(root, file);
    if (existsSync(source)) {
      cpSync(source, join(target, file), { recursive: true });
    }
  }
  return id;
}
