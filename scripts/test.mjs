// The project's test command: compiles, runs the unit tests in plain Node, then the integration
// suites in a real VS Code extension host, and ends with one line `N passed, N failed, N skipped`.
//
//   node scripts/test.mjs                  everything
//   node scripts/test.mjs --unit           unit tests only
//   node scripts/test.mjs --integration    integration suites only
//   node scripts/test.mjs --suite main     one integration suite
//   node scripts/test.mjs --grep TEXT      only tests whose names contain TEXT
//
// As root on Linux, the run moves into a new network namespace that has only a loopback
// interface, so no test can reach another machine. Set DEVICE_PUSH_NO_NETNS=1 to skip that.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureTestHost } from './test-host/install.mjs';
import { SUITES } from './test-host/suites.mjs';
import { EXIT_HOST_FAILED, EXIT_TIMED_OUT, runHostSession } from './test-host/run.mjs';

const root = resolve(import.meta.dirname, '..');
/** Exit codes of host sessions that hung or did not start; they decide the final exit code. */
const hostExitCodes = [];
process.chdir(root);

const { values } = parseArgs({
  options: {
    unit: { type: 'boolean', default: false },
    integration: { type: 'boolean', default: false },
    suite: { type: 'string', multiple: true },
    grep: { type: 'string' },
    timeout: { type: 'string' },
  },
});
const runUnit = values.unit || !values.integration;
const runIntegration = values.integration || !values.unit || Boolean(values.suite);

function enterLoopbackNamespace() {
  const canUnshare =
    process.platform === 'linux' &&
    process.getuid?.() === 0 &&
    !process.env.DEVICE_PUSH_IN_NETNS &&
    process.env.DEVICE_PUSH_NO_NETNS !== '1' &&
    spawnSync('unshare', ['--net', 'true']).status === 0;
  if (!canUnshare) {
    return false;
  }
  const quoted = [process.execPath, ...process.argv.slice(1)].map((arg) => `'${arg}'`).join(' ');
  const result = spawnSync(
    'unshare',
    ['--net', 'sh', '-c', `ip link set lo up && exec ${quoted}`],
    {
      stdio: 'inherit',
      env: { ...process.env, DEVICE_PUSH_IN_NETNS: '1' },
    },
  );
  process.exit(result.status ?? 1);
}

/**
 * Compiles the tests and bundles the extension. A type error does not stop the run, because tsc
 * still emits JavaScript, but it counts as one failure.
 */
function compile() {
  const typecheck = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], {
    stdio: 'inherit',
  });
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (typecheck.status !== 0) {
    console.error('Type check failed: see the errors above.');
    return 1;
  }
  return 0;
}

function findFiles(dir, suffix) {
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir, { recursive: true })
    .filter((file) => file.endsWith(suffix))
    .map((file) => join(dir, file))
    .sort();
}

function runUnitTests() {
  const files = findFiles('out/test/unit', '.unit.test.js');
  if (files.length === 0) {
    console.log('No unit tests found.');
    return { passed: 0, failed: 0, skipped: 0 };
  }
  mkdirSync('test-results', { recursive: true });
  const tap = 'test-results/unit.tap';
  const args = [
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
  ];
  if (values.grep) {
    args.push(`--test-name-pattern=${values.grep}`);
  }
  console.log(`\nUnit tests (${files.length} files)`);
  const result = spawnSync(process.execPath, [...args, ...files], { stdio: 'inherit' });
  const summary = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(summary)?.[1] ?? 0);
  const counts = {
    passed: count('pass'),
    failed: count('fail') + count('cancelled'),
    skipped: count('skipped') + count('todo'),
  };
  if (result.status !== 0 && counts.failed === 0) {
    counts.failed = 1;
  }
  console.log(`unit: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  return counts;
}

async function runIntegrationTests() {
  const names = values.suite ?? Object.keys(SUITES);
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const name of names) {
    const suite = SUITES[name];
    if (!suite) {
      console.error(`Unknown suite "${name}". Known suites: ${Object.keys(SUITES).join(', ')}`);
      totals.failed += 1;
      continue;
    }
    const started = Date.now();
    console.log(`\nIntegration suite "${name}"`);
    const result = await suite.run({
      runHostSession,
      grep: values.grep,
      timeoutMs: values.timeout ? Number(values.timeout) : undefined,
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`suite ${name}: exit ${result.exitCode} in ${seconds} s`);
    totals.passed += result.passed;
    totals.failed += result.failed;
    totals.skipped += result.skipped;
    if (result.exitCode !== 0 && result.failed === 0) {
      totals.failed += 1;
    }
    if (result.exitCode === EXIT_TIMED_OUT || result.exitCode === EXIT_HOST_FAILED) {
      hostExitCodes.push(result.exitCode);
    }
  }
  return totals;
}

if (runIntegration) {
  ensureTestHost();
}
enterLoopbackNamespace();
const totals = { passed: 0, failed: compile(), skipped: 0 };
const add = (counts) => {
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
};
if (runUnit) {
  add(runUnitTests());
}
if (runIntegration) {
  add(await runIntegrationTests());
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(finalExitCode(totals));

/** 124 when a suite hung, else 2 when a host did not start, else 1 when anything failed. */
function finalExitCode({ failed }) {
  if (hostExitCodes.includes(EXIT_TIMED_OUT)) {
    return EXIT_TIMED_OUT;
  }
  if (hostExitCodes.includes(EXIT_HOST_FAILED)) {
    return EXIT_HOST_FAILED;
  }
  return failed > 0 ? 1 : 0;
}
