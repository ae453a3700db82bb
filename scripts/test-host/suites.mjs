// Integration suites. Each one is a host session (or several) with its own workspace, trust
// and environment; its tests live in out/test/integration/<name>/.

import { join, resolve } from 'node:path';
import { e2eSuite } from './e2e.mjs';
import { outboxReloadSuite } from './outboxReload.mjs';
import { restrictedSuite } from './restricted.mjs';

const root = resolve(import.meta.dirname, '../..');
const fixtures = join(root, 'test/fixtures');

function session(name, extra = {}) {
  return ({ runHostSession, grep, timeoutMs }) =>
    runHostSession({
      suite: name,
      timeoutMs,
      artifactsDir: join(root, 'test-results'),
      ...extra,
      env: { ...(grep ? { DEVICE_PUSH_TEST_GREP: grep } : {}), ...extra.env },
    });
}

export const SUITES = {
  main: { run: session('main', { folder: join(fixtures, 'workspace') }) },
  e2e: { run: e2eSuite({ artifactsDir: join(root, 'test-results') }) },
  'outbox-reload': {
    run: outboxReloadSuite({
      artifactsDir: join(root, 'test-results'),
      folder: join(fixtures, 'workspace'),
    }),
  },
  restricted: { run: restrictedSuite({ artifactsDir: join(root, 'test-results') }) },
};
