import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TaskInfo } from '../../src/sender/types';
import {
  DEFAULT_FAILURE_TEMPLATE,
  DEFAULT_SUCCESS_TEMPLATE,
  formatDuration,
  renderTemplate,
  taskMessage,
  taskVariables,
} from '../../src/tasks/template';

const DEFAULTS = {
  successTemplate: DEFAULT_SUCCESS_TEMPLATE,
  failureTemplate: DEFAULT_FAILURE_TEMPLATE,
};

function task(overrides: Partial<TaskInfo>): TaskInfo {
  return { name: 'build', status: 'succeeded', exitCode: 0, durationMs: 64_000, ...overrides };
}

describe('formatDuration', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [999, '0s'],
    [12_000, '12s'],
    [12_999, '12s'],
    [59_999, '59s'],
    [60_000, '1m 00s'],
    [64_000, '1m 04s'],
    [3_599_000, '59m 59s'],
    [3_600_000, '1h 00m'],
    [3_720_000, '1h 02m'],
    [3_779_000, '1h 02m'],
    [90_000_000, '25h 00m'],
    [-5, '0s'],
  ];
  for (const [ms, expected] of cases) {
    test(`duration ${ms} ms is ${expected}`, () => {
      assert.equal(formatDuration(ms), expected);
    });
  }
});

describe('renderTemplate', () => {
  const variables = taskVariables(
    task({ name: 'test', status: 'failed', exitCode: 3, durationMs: 12_000, folder: 'app' }),
  );

  test('replaces every known variable', () => {
    const text = renderTemplate(
      '${task}|${status}|${exitCode}|${exitCodeSuffix}|${duration}|${folder}',
      variables,
    );
    assert.equal(text, 'test|failed|3| (exit 3)|12s|app');
  });

  test('keeps unknown variables as written', () => {
    assert.equal(
      renderTemplate('${task} ${nope} ${toString}', variables),
      'test ${nope} ${toString}',
    );
  });

  test('replaces repeated variables', () => {
    assert.equal(renderTemplate('${task}/${task}', variables), 'test/test');
  });

  test('leaves text without variables alone', () => {
    assert.equal(renderTemplate('$task {task} $', variables), '$task {task} $');
  });
});

describe('taskVariables', () => {
  test('unknown exit code is empty', () => {
    const variables = taskVariables(task({ status: 'terminated', exitCode: undefined }));
    assert.equal(variables.exitCode, '');
    assert.equal(variables.exitCodeSuffix, '');
  });

  test('exit code 0 has no suffix', () => {
    const variables = taskVariables(task({ exitCode: 0 }));
    assert.equal(variables.exitCode, '0');
    assert.equal(variables.exitCodeSuffix, '');
  });

  test('missing folder is empty', () => {
    assert.equal(taskVariables(task({ folder: undefined })).folder, '');
  });
});

describe('taskMessage defaults', () => {
  test('success uses success template', () => {
    assert.equal(taskMessage(task({}), DEFAULTS), '✅ build finished in 1m 04s');
  });

  test('failure shows exit code', () => {
    const failed = task({ name: 'test', status: 'failed', exitCode: 3, durationMs: 12_000 });
    assert.equal(taskMessage(failed, DEFAULTS), '❌ test failed (exit 3) after 12s');
  });

  test('terminated run has no code', () => {
    const stopped = task({ name: 'watch', status: 'terminated', exitCode: undefined });
    assert.equal(taskMessage(stopped, DEFAULTS), '❌ watch terminated after 1m 04s');
  });

  test('failure without code has no suffix', () => {
    const failed = task({ status: 'failed', exitCode: undefined, durationMs: 3_720_000 });
    assert.equal(taskMessage(failed, DEFAULTS), '❌ build failed after 1h 02m');
  });

  test('custom templates are used', () => {
    const templates = { successTemplate: 'ok ${task}', failureTemplate: 'bad ${exitCode}' };
    assert.equal(taskMessage(task({}), templates), 'ok build');
    assert.equal(taskMessage(task({ status: 'failed', exitCode: 2 }), templates), 'bad 2');
  });
});
