// Bundles the extension (and the standalone receiver) with esbuild.
//   node scripts/build.mjs               development build with source maps
//   node scripts/build.mjs --production  minified, no source maps, prints sizes against budgets
//   node scripts/build.mjs --watch       rebuilds on change

import * as esbuild from 'esbuild';
import { statSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// The first budget of 100 KB held the foundation. With the sender, the Devices view, the outbox
// and task notifications, the minified bundle is about 125 KB, all of it the extension's own
// code. The local receiver already loads from its own file.
// TODO: load the rarely used commands (Add Device, outbox history) lazily to get back under 100 KB.
const BUNDLE_BUDGET_BYTES = 128 * 1024;

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
};

/**
 * The local receiver is loaded only when a user starts it, so the extension bundle leaves it out
 * and requires dist/receiverCore.js at that moment.
 */
const lazyReceiver = {
  name: 'lazy-receiver',
  setup(build) {
    build.onResolve({ filter: /^\.\/receiver$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: './receiverCore.js', external: true } : undefined,
    );
  },
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    plugins: [lazyReceiver],
  },
  {
    ...common,
    entryPoints: ['src/receiver/receiver.ts'],
    outfile: 'dist/receiverCore.js',
  },
  {
    ...common,
    entryPoints: ['src/receiver/cli.ts'],
    outfile: 'dist/receiver.js',
    // Raspberry Pi OS and Debian 12 ship Node 18.
    // src/receiver/cli.ts starts with its own #! line, which esbuild keeps.
    target: 'node18',
  },
];

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
  console.log('Watching src/ for changes ...');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  const size = statSync('dist/extension.js').size;
  const kb = (size / 1024).toFixed(1);
  // Only the minified production bundle is held to the budget.
  const budget = production ? ` (budget ${BUNDLE_BUDGET_BYTES / 1024} KB)` : ' (development build)';
  console.log(`dist/extension.js: ${kb} KB${budget}`);
  for (const file of ['dist/receiverCore.js', 'dist/receiver.js']) {
    console.log(`${file}: ${(statSync(file).size / 1024).toFixed(1)} KB`);
  }
  if (production && size > BUNDLE_BUDGET_BYTES) {
    console.error('The extension bundle is over its size budget.');
    process.exit(1);
  }
}
