// Task notifications in the real extension host: tasks from the fixture's tasks.json and
// CustomExecution tasks made here run to their end, and a loopback collector with the `json`
// framing acts as the device, so each test reads the status and exit code it received.

import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { formatDuration } from '../../../src/tasks/template';
import {
  device,
  extensionApi,
  SETTLE_MS,
  sleep,
  startCollector,
  UserSettings,
  WAIT_TIMEOUT_MS,
  waitFor,
  type Collector,
  type TestApi,
} from './sendSupport';

/** A task run starts a shell, which takes seconds when other hosts share the CPUs. */
const TASK_TIMEOUT_MS = 4 * WAIT_TIMEOUT_MS;
const TEST_TIMEOUT_MS = 90_000;
/** How long a CustomExecution task runs before its pseudoterminal closes. */
const CUSTOM_RUN_MS = 200;
const LATENCY_RUNS = 10;
const DEVICE = 'Tasks';

interface TaskRecord {
  name: string;
  status: string;
  exitCode?: number;
  durationMs: number;
  folder?: string;
}

/** A notification as the `json` framing writes it. */
interface TaskNotification {
  message: string;
  priority: string;
  task: TaskRecord;
}

/** End events that the test observes, with `performance.now()` of each. */
class TaskEnds implements vscode.Disposable {
  readonly seen: { name: string; at: number }[] = [];
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    const record = (event: { execution: vscode.TaskExecution }): void => {
      this.seen.push({ name: event.execution.task.name, at: performance.now() });
    };
    this.subscriptions = [
      vscode.tasks.onDidEndTaskProcess(record),
      vscode.tasks.onDidEndTask(record),
    ];
  }

  /** Waits for the first end event of task `name` after `since`, and returns its time. */
  async waitForEnd(name: string, since: number): Promise<number> {
    const end = await waitFor(
      () => this.seen.find((item) => item.name === name && item.at >= since),
      `the end of task "${name}"`,
      TASK_TIMEOUT_MS,
    );
    return end.at;
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) {
      subscription.dispose();
    }
  }
}

async function workspaceTask(label: string): Promise<vscode.Task> {
  const tasks = await vscode.tasks.fetchTasks();
  const task = tasks.find((item) => item.name === label);
  assert.ok(task, `tasks.json has no task "${label}"`);
  return task;
}

function fixtureFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test host opens the fixture workspace folder');
  return folder;
}

/**
 * Creates a CustomExecution task whose pseudoterminal closes after `CUSTOM_RUN_MS` with
 * `exitCode`, or without a code when it is undefined.
 */
function customTask(name: string, exitCode: number | undefined): vscode.Task {
  const written = new vscode.EventEmitter<string>();
  const closed = new vscode.EventEmitter<number | void>();
  const terminal: vscode.Pseudoterminal = {
    onDidWrite: written.event,
    onDidClose: closed.event,
    open: () => {
      written.fire(`${name}\r\n`);
      setTimeout(() => closed.fire(exitCode), CUSTOM_RUN_MS);
    },
    close: () => undefined,
  };
  const task = new vscode.Task(
    { type: 'devicePushTest' },
    fixtureFolder(),
    name,
    'Device Push tests',
    new vscode.CustomExecution(() => Promise.resolve(terminal)),
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Never };
  return task;
}

function parse(text: string): TaskNotification {
  return JSON.parse(text) as TaskNotification;
}

/**
 * Sets up a `json` collector as the only device for task notifications and runs tasks. Its
 * `tearDown` restores settings, terminates the tasks still running and closes the collector.
 */
class TaskHarness {
  readonly settings: UserSettings;
  readonly ends = new TaskEnds();
  collector!: Collector;
  private readonly started = new Set<string>();

  constructor(api: TestApi) {
    this.settings = new UserSettings(api);
  }

  /** Starts the collector and turns task notifications on for it, for runs of any length. */
  async setUp(enabled = true): Promise<void> {
    this.collector = await startCollector();
    await this.settings.set('devices', [device(DEVICE, this.collector.port, { framing: 'json' })]);
    await this.settings.set('taskNotifications.devices', [DEVICE]);
    await this.settings.set('taskNotifications.minimumDurationSeconds', 0);
    if (enabled) {
      await this.settings.set('taskNotifications.enabled', true);
    }
  }

  /** Starts a task from tasks.json, or the given task. */
  async start(task: string | vscode.Task): Promise<vscode.TaskExecution> {
    const resolved = typeof task === 'string' ? await workspaceTask(task) : task;
    this.started.add(resolved.name);
    return vscode.tasks.executeTask(resolved);
  }

  /** Runs a task to its end and returns `performance.now()` when the test observed the end. */
  async run(task: string | vscode.Task): Promise<number> {
    const since = performance.now();
    const execution = await this.start(task);
    return this.ends.waitForEnd(execution.task.name, since);
  }

  /** Waits until `count` notifications arrived, then checks that no more arrive in SETTLE_MS. */
  async expectCount(count: number): Promise<TaskNotification[]> {
    if (count > 0) {
      await this.collector.waitForCount(count, TASK_TIMEOUT_MS);
    }
    await sleep(SETTLE_MS);
    const texts = this.collector.texts();
    assert.equal(texts.length, count, `notifications received: ${JSON.stringify(texts)}`);
    return texts.map(parse);
  }

  /** Waits for the one notification of a run, and checks that no duplicate follows. */
  async expectOne(): Promise<TaskNotification> {
    const [only] = await this.expectCount(1);
    return only;
  }

  async tearDown(): Promise<void> {
    const running = vscode.tasks.taskExecutions.filter((execution) =>
      this.started.has(execution.task.name),
    );
    for (const execution of running) {
      execution.terminate();
    }
    await waitFor(
      () => !vscode.tasks.taskExecutions.some((item) => this.started.has(item.task.name)),
      'the tasks of the test to end',
      TASK_TIMEOUT_MS,
    );
    this.ends.dispose();
    await this.settings.restore();
    await this.collector?.close();
  }
}

describe('task notifications', function () {
  this.timeout(TEST_TIMEOUT_MS);
  let api: TestApi;
  let harness: TaskHarness;

  before(async () => {
    api = await extensionApi();
  });

  beforeEach(async () => {
    harness = new TaskHarness(api);
    await harness.setUp();
  });

  afterEach(async () => {
    await harness.tearDown();
  });

  it('shell exit 0 succeeds', async () => {
    await harness.run('dp succeed');

    const received = await harness.expectOne();
    const duration = formatDuration(received.task.durationMs);
    assert.equal(received.message, `✅ dp succeed finished in ${duration}`);
    assert.equal(received.priority, 'normal');
    assert.equal(received.task.name, 'dp succeed');
    assert.equal(received.task.status, 'succeeded');
    assert.equal(received.task.exitCode, 0);
    assert.equal(received.task.folder, fixtureFolder().name);
  });

  it('shell exit 3 fails', async () => {
    await harness.run('dp fail 3');

    const received = await harness.expectOne();
    const duration = formatDuration(received.task.durationMs);
    assert.equal(received.message, `❌ dp fail 3 failed (exit 3) after ${duration}`);
    assert.equal(received.priority, 'high');
    assert.equal(received.task.status, 'failed');
    assert.equal(received.task.exitCode, 3);
  });

  it('process exit 5 fails', async () => {
    await harness.run('dp process');

    const received = await harness.expectOne();
    assert.equal(received.task.name, 'dp process');
    assert.equal(received.task.status, 'failed');
    assert.equal(received.task.exitCode, 5);
    assert.match(received.message, /^❌ dp process failed \(exit 5\) after \d+s$/);
  });

  // VS Code 1.139 reports the code that the pseudoterminal closed with through
  // onDidEndTaskProcess, so a CustomExecution task has an exit code like a shell task.
  it('custom execution exit 1 fails', async () => {
    await harness.run(customTask('dp custom exit 1', 1));

    const received = await harness.expectOne();
    assert.equal(received.task.name, 'dp custom exit 1');
    assert.equal(received.task.status, 'failed');
    assert.equal(received.task.exitCode, 1);
    assert.match(received.message, /^❌ dp custom exit 1 failed \(exit 1\) after \d+s$/);
  });

  it('custom execution without code succeeds', async () => {
    await harness.run(customTask('dp custom no code', undefined));

    const received = await harness.expectOne();
    assert.equal(received.task.status, 'succeeded');
    assert.equal(received.task.exitCode, undefined);
    assert.match(received.message, /^✅ dp custom no code finished in \d+s$/);
  });

  // A task made of dependsOn reports one run for the whole, and its dependencies send nothing.
  it('compound notifies once for all', async () => {
    await harness.run('dp compound');

    const received = await harness.expectOne();
    assert.equal(received.task.name, 'dp compound');
    assert.equal(received.task.status, 'succeeded');
    assert.equal(received.task.exitCode, undefined);
    assert.match(received.message, /^✅ dp compound finished in \d+s$/);
  });

  it('compound takes failing dependency code', async () => {
    await harness.run('dp compound failing');

    const received = await harness.expectOne();
    assert.equal(received.task.name, 'dp compound failing');
    assert.equal(received.task.status, 'failed');
    assert.equal(received.task.exitCode, 3);
    assert.match(received.message, /^❌ dp compound failing failed \(exit 3\) after \d+s$/);
  });

  it('watch task notifies when stopped', async () => {
    const since = performance.now();
    const execution = await harness.start('dp watch');
    // The watcher reports "build finished" right away and then watches until terminated.
    await sleep(2 * SETTLE_MS);
    assert.equal(harness.collector.received.length, 0, 'nothing while the task watches');

    execution.terminate();
    await harness.ends.waitForEnd('dp watch', since);

    const received = await harness.expectOne();
    assert.equal(received.task.name, 'dp watch');
    assert.equal(received.task.status, 'terminated');
    assert.equal(received.task.exitCode, undefined);
  });

  it('terminated task reports terminated', async () => {
    const since = performance.now();
    const started = new Promise<void>((resolve) => {
      const subscription = vscode.tasks.onDidStartTaskProcess((event) => {
        if (event.execution.task.name === 'dp sleep') {
          subscription.dispose();
          resolve();
        }
      });
    });
    const execution = await harness.start('dp sleep');
    await started;
    execution.terminate();
    await harness.ends.waitForEnd('dp sleep', since);

    const received = await harness.expectOne();
    const duration = formatDuration(received.task.durationMs);
    assert.equal(received.message, `❌ dp sleep terminated after ${duration}`);
    assert.equal(received.priority, 'high');
    assert.equal(received.task.status, 'terminated');
    assert.equal(received.task.exitCode, undefined);
  });
});

describe('task notification messages', function () {
  this.timeout(TEST_TIMEOUT_MS);
  let api: TestApi;
  let harness: TaskHarness;
  const variables = '${task}|${status}|${exitCode}|${duration}|${folder}';

  before(async () => {
    api = await extensionApi();
  });

  beforeEach(async () => {
    harness = new TaskHarness(api);
    await harness.setUp();
  });

  afterEach(async () => {
    await harness.tearDown();
  });

  it('success template fills variables', async () => {
    await harness.settings.set('taskNotifications.successMessage', `${variables}|\${typo}`);
    await harness.run('dp succeed');

    const received = await harness.expectOne();
    const duration = formatDuration(received.task.durationMs);
    const folder = fixtureFolder().name;
    assert.equal(received.message, `dp succeed|succeeded|0|${duration}|${folder}|\${typo}`);
  });

  it('failure template fills variables', async () => {
    await harness.settings.set(
      'taskNotifications.failureMessage',
      `${variables}|\${exitCodeSuffix}`,
    );
    await harness.run('dp fail 3');

    const received = await harness.expectOne();
    const duration = formatDuration(received.task.durationMs);
    const folder = fixtureFolder().name;
    assert.equal(received.message, `dp fail 3|failed|3|${duration}|${folder}| (exit 3)`);
  });

  it('terminated run uses failure template', async () => {
    await harness.settings.set(
      'taskNotifications.failureMessage',
      '${task} ${status}[${exitCode}]',
    );
    const since = performance.now();
    const execution = await harness.start('dp watch');
    await sleep(SETTLE_MS);
    execution.terminate();
    await harness.ends.waitForEnd('dp watch', since);

    const received = await harness.expectOne();
    assert.equal(received.message, 'dp watch terminated[]');
  });

  it('empty template falls back to default', async () => {
    await harness.settings.set('taskNotifications.successMessage', ' ');
    await harness.run('dp succeed');

    const received = await harness.expectOne();
    assert.match(received.message, /^✅ dp succeed finished in \d+s$/);
  });
});

describe('task notification filters', function () {
  this.timeout(TEST_TIMEOUT_MS);
  let api: TestApi;
  let harness: TaskHarness;

  before(async () => {
    api = await extensionApi();
  });

  afterEach(async () => {
    await harness.tearDown();
  });

  /** Runs `skipped` and then `control`, and checks that only `control` notified. */
  async function expectOnly(skipped: string, control: string): Promise<void> {
    await harness.run(skipped);
    await harness.run(control);
    const received = await harness.expectCount(1);
    assert.equal(received[0].task.name, control, `only "${control}" notifies`);
  }

  it('off by default', async () => {
    harness = new TaskHarness(api);
    await harness.setUp(false);
    await harness.run('dp fail 3');
    await harness.expectCount(0);

    await harness.settings.set('taskNotifications.enabled', true);
    await harness.run('dp fail 3');
    const received = await harness.expectOne();
    assert.equal(received.task.name, 'dp fail 3');
  });

  describe('with notifications on', () => {
    beforeEach(async () => {
      harness = new TaskHarness(api);
      await harness.setUp();
    });

    it('failure outcome skips success', async () => {
      await harness.settings.set('taskNotifications.outcome', 'failure');
      await expectOnly('dp succeed', 'dp fail 3');
    });

    it('success outcome skips failure', async () => {
      await harness.settings.set('taskNotifications.outcome', 'success');
      await expectOnly('dp fail 3', 'dp succeed');
    });

    it('minimum duration skips short success', async () => {
      await harness.settings.set('taskNotifications.minimumDurationSeconds', 60);
      await harness.settings.set('taskNotifications.failuresIgnoreMinimumDuration', true);
      await expectOnly('dp succeed', 'dp fail 3');
    });

    it('minimum duration applies to failures', async () => {
      await harness.settings.set('taskNotifications.minimumDurationSeconds', 60);
      await harness.settings.set('taskNotifications.failuresIgnoreMinimumDuration', false);
      await harness.run('dp fail 3');
      await harness.expectCount(0);

      await harness.settings.set('taskNotifications.minimumDurationSeconds', 0);
      await harness.run('dp fail 3');
      const received = await harness.expectOne();
      assert.equal(received.task.name, 'dp fail 3');
    });

    it('include limits task names', async () => {
      await harness.settings.set('taskNotifications.include', ['dp f*']);
      await expectOnly('dp succeed', 'dp fail 3');
    });

    it('exclude wins over include', async () => {
      await harness.settings.set('taskNotifications.include', ['dp *']);
      await harness.settings.set('taskNotifications.exclude', ['*fail*']);
      await expectOnly('dp fail 3', 'dp succeed');
    });

    it('empty device list uses default', async () => {
      await harness.settings.set('taskNotifications.devices', []);
      await harness.settings.set('defaultDevice', DEVICE);
      await harness.run('dp succeed');
      const received = await harness.expectOne();
      assert.equal(received.task.name, 'dp succeed');
    });
  });
});

describe('task notification latency', function () {
  this.timeout(LATENCY_RUNS * TASK_TIMEOUT_MS);
  let harness: TaskHarness;

  beforeEach(async () => {
    harness = new TaskHarness(await extensionApi());
    await harness.setUp();
  });

  afterEach(async () => {
    await harness.tearDown();
  });

  // Prints the time from the end event that the test observes to the end of the connection at
  // the collector. Both run in the extension host, so they share one clock.
  it('end to receiver latency', async () => {
    const latencies: number[] = [];
    for (let index = 0; index < LATENCY_RUNS; index += 1) {
      const endedAt = await harness.run('dp succeed');
      const received = await harness.collector.waitForCount(index + 1, TASK_TIMEOUT_MS);
      latencies.push(received[index].at - endedAt);
    }
    await harness.expectCount(LATENCY_RUNS);

    const sorted = [...latencies].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    const median =
      sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    console.log(
      `task end to receiver over ${LATENCY_RUNS} runs: median ${median.toFixed(1)} ms, ` +
        `max ${sorted[sorted.length - 1].toFixed(1)} ms ` +
        `(all: ${latencies.map((value) => value.toFixed(1)).join(', ')})`,
    );
  });
});
