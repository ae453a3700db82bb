// Packages the built extension into device-push-<version>.vsix and checks its size and contents.

import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

const VSIX_BUDGET_BYTES = 150 * 1024;

const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
const vsix = `${name}-${version}.vsix`;
const require = createRequire(import.meta.url);
const vsce = require.resolve('@vscode/vsce/vsce');

// The project has no public repository to point relative links at. The README's screenshots
// ship in the VSIX instead, and VS Code shows them from the installed extension.
execFileSync(
  process.execPath,
  [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsix],
  { stdio: 'inherit' },
);

const listing = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], {
  encoding: 'utf8',
});
const files = listing.split('\n').filter(Boolean);
const forbidden = files.filter((file) =>
  /^(src|test|scripts|node_modules|out)\/|\.map$/.test(file),
);
if (forbidden.length > 0) {
  console.error(`The VSIX must not contain:\n  ${forbidden.join('\n  ')}`);
  process.exit(1);
}

// The device-side receiver ships in the VSIX; a build that cannot even print its help is broken.
const help = spawnSync(process.execPath, ['dist/receiver.js', '--help'], { encoding: 'utf8' });
if (help.status !== 0 || !help.stdout.startsWith('Usage:')) {
  console.error(`dist/receiver.js --help failed (exit ${help.status}):\n${help.stderr}`);
  process.exit(1);
}

const size = statSync(vsix).size;
console.log(`${vsix}: ${(size / 1024).toFixed(1)} KB (budget ${VSIX_BUDGET_BYTES / 1024} KB)`);
console.log(`VSIX contents: ${files.join(', ')}`);
if (size > VSIX_BUDGET_BYTES) {
  console.error('The VSIX is over its size budget.');
  process.exit(1);
}
