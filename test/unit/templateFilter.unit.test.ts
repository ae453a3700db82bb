import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TaskInfo } from '../../src/sender/types';
import { dependencyLabels } from '../../src/tasks/dependencies';
import { matchesPattern, skipReason, type TaskFilterSettings } from '../../src/tasks/filter';

const SETTINGS: TaskFilterSettings = {
  outcome: 'always',
  minimumDurationSeconds: 10,
  failuresIgnoreMinimumDuration: true,
  include: [],
  exclude: [],
};

function task(overrides: Partial<TaskInfo>): TaskInfo {
  return { name: 'build', status: 'succeeded', exitCode: 0, durationMs: 20_000, ...overrides };
}

describe('matchesPattern', () => {
  const cases: [string, string, boolean][] = [
    ['build', 'build', true],
    ['build', 'Build', false],
    ['build', 'buil', false],
    ['npm: build', 'npm: *', true],
    ['npm: build', '*build', true],
    ['npm: build', '*', true],
    ['', '*', true],
    ['watch-tsc', 'watch*tsc', true],
    ['watch-tsc', 'watch*js', false],
    ['a.b', 'a.b', true],
    ['axb', 'a.b', false],
    ['(x)+[y]', '(x)+[y]', true],
    ['line\nbreak', 'line*', true],
  ];
  for (const [name, pattern, expected] of cases) {
    test(`${JSON.stringify(pattern)} on ${JSON.stringify(name)}`, () => {
      assert.equal(matchesPattern(name, pattern), expected);
    });
  }
});

describe('skipReason', () => {
  test('default settings notify long runs', () => {
    assert.equal(skipReason(task({}), SETTINGS), undefined);
  });

  test('exclude wins over include', () => {
    const settings = { ...SETTINGS, include: ['b*'], exclude: ['*ild'] };
    assert.deepEqual(skipReason(task({}), settings), { kind: 'excluded', pattern: '*ild' });
  });

  test('include limits the names', () => {
    const settings = { ...SETTINGS, include: ['test*'] };
    assert.deepEqual(skipReason(task({}), settings), { kind: 'not-included' });
    assert.equal(skipReason(task({ name: 'test unit' }), settings), undefined);
  });

  test('failure outcome skips successes', () => {
    const settings = { ...SETTINGS, outcome: 'failure' as const };
    assert.deepEqual(skipReason(task({}), settings), { kind: 'outcome', outcome: 'failure' });
    assert.equal(skipReason(task({ status: 'failed', exitCode: 1 }), settings), undefined);
    assert.equal(skipReason(task({ status: 'terminated' }), settings), undefined);
  });

  test('success outcome skips failures', () => {
    const settings = { ...SETTINGS, outcome: 'success' as const };
    assert.equal(skipReason(task({}), settings), undefined);
    assert.deepEqual(skipReason(task({ status: 'failed' }), settings), {
      kind: 'outcome',
      outcome: 'success',
    });
    assert.deepEqual(skipReason(task({ status: 'terminated' }), settings), {
      kind: 'outcome',
      outcome: 'success',
    });
  });

  test('short success is skipped', () => {
    assert.deepEqual(skipReason(task({ durationMs: 9_999 }), SETTINGS), {
      kind: 'too-short',
      minimumSeconds: 10,
    });
    assert.equal(skipReason(task({ durationMs: 10_000 }), SETTINGS), undefined);
  });

  test('short failure ignores minimum', () => {
    const failed = task({ status: 'failed', exitCode: 1, durationMs: 100 });
    assert.equal(skipReason(failed, SETTINGS), undefined);
    const strict = { ...SETTINGS, failuresIgnoreMinimumDuration: false };
    assert.equal(skipReason(failed, strict)?.kind, 'too-short');
  });

  test('short termination obeys minimum', () => {
    const stopped = task({ status: 'terminated', exitCode: undefined, durationMs: 100 });
    assert.equal(skipReason(stopped, SETTINGS)?.kind, 'too-short');
  });

  test('zero minimum lets everything through', () => {
    const settings = { ...SETTINGS, minimumDurationSeconds: 0 };
    assert.equal(skipReason(task({ durationMs: 0 }), settings), undefined);
  });
});

describe('dependencyLabels', () => {
  const tasks = [
    { label: 'all', dependsOn: ['build', 'lint'] },
    { label: 'build', type: 'shell', command: 'make', dependsOn: 'generate' },
    { label: 'generate', type: 'shell', command: 'gen' },
    { label: 'lint', type: 'shell', command: 'lint' },
    { label: 'npm', dependsOn: [{ type: 'npm', script: 'build' }] },
    { label: 'loop', dependsOn: ['loop', 'lint'] },
  ];

  test('follows nested dependencies', () => {
    assert.deepEqual(dependencyLabels(tasks, 'all'), new Set(['build', 'lint', 'generate']));
  });

  test('single string dependency', () => {
    assert.deepEqual(dependencyLabels(tasks, 'build'), new Set(['generate']));
  });

  test('task without dependencies', () => {
    assert.deepEqual(dependencyLabels(tasks, 'lint'), new Set());
  });

  test('identifier objects are unknown', () => {
    assert.equal(dependencyLabels(tasks, 'npm'), undefined);
  });

  test('unknown label is unknown', () => {
    assert.equal(dependencyLabels(tasks, 'missing'), undefined);
    assert.equal(dependencyLabels(undefined, 'all'), undefined);
  });

  test('cycle ends without the task', () => {
    assert.deepEqual(dependencyLabels(tasks, 'loop'), new Set(['lint']));
  });
});
