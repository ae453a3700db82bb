import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SendResultSummary } from '../../../src/sending/summary';
import {
  closedPort,
  device,
  extensionApi,
  Messages,
  sleep,
  startCollector,
  UserSettings,
  waitFor,
  type Collector,
  type TestApi,
} from './sendSupport';

const COMMAND = 'devicePush.sendNotification';

function send(args?: unknown, second?: unknown): Thenable<SendResultSummary[] | undefined> {
  return vscode.commands.executeCommand<SendResultSummary[] | undefined>(COMMAND, args, second);
}

describe('send notification command', () => {
  let api: TestApi;
  let settings: UserSettings;
  let messages: Messages | undefined;
  const collectors: Collector[] = [];

  async function collector(): Promise<Collector> {
    const started = await startCollector();
    collectors.push(started);
    return started;
  }

  before(async () => {
    api = await extensionApi();
  });

  beforeEach(() => {
    settings = new UserSettings(api);
  });

  afterEach(async () => {
    messages?.dispose();
    messages = undefined;
    await settings.restore();
    await Promise.all(collectors.splice(0).map((item) => item.close()));
  });

  it('args send message bytes', async () => {
    const raw = await collector();
    await settings.set('devices', [device('Raw', raw.port)]);
    messages = new Messages(api);

    const results = await send({ device: 'Raw', message: 'hi' });

    await raw.waitForCount(1);
    assert.equal(raw.received[0].text, 'hi');
    assert.ok(results, 'the command returns results');
    assert.equal(results.length, 1);
    assert.equal(results[0].device, 'Raw');
    assert.equal(results[0].outcome, 'sent');
    assert.equal(results[0].bytes, 2);
    assert.equal(results[0].error, undefined);
    const toast = await messages.waitFor('Sent to "Raw"');
    assert.equal(toast.severity, 'info');
  });

  it('empty args show validation', async () => {
    messages = new Messages(api);
    const results = await send({});
    assert.equal(results, undefined);
    const shown = await messages.waitFor('arguments are empty');
    assert.equal(shown.severity, 'error');
    assert.match(shown.text, /"message"/);
  });

  it('unknown device shows message', async () => {
    const raw = await collector();
    await settings.set('devices', [device('Raw', raw.port)]);
    messages = new Messages(api);
    const results = await send({ device: 'Nope', message: 'hi' });
    assert.equal(results, undefined);
    const shown = await messages.waitFor('no device named "Nope"');
    assert.match(shown.text, /Known devices: Raw/);
    assert.equal(raw.received.length, 0);
  });

  it('invalid fields are named', async () => {
    messages = new Messages(api);
    const cases: [Record<string, unknown>, string][] = [
      [{ message: '' }, '"message" must be text that is not empty'],
      [{ message: 'x', priority: 'urgent' }, '"priority" must be'],
      [{ message: 'x', mesage: 'typo' }, 'Unknown argument "mesage"'],
      [{ message: 'x', device: 'A', devices: ['B'] }, 'either "device" or "devices"'],
      [{ message: 'x', devices: [] }, '"devices" must be a non-empty list'],
      [{ message: 'x', title: 7 }, '"title" must be text'],
    ];
    for (const [args, expected] of cases) {
      assert.equal(await send(args), undefined, JSON.stringify(args));
      await messages.waitFor(expected);
    }
  });

  it('message alone uses default device', async () => {
    const first = await collector();
    const second = await collector();
    await settings.set('devices', [device('First', first.port), device('Second', second.port)]);
    await settings.set('defaultDevice', 'Second');
    messages = new Messages(api);

    const results = await send({ message: 'to the default' });

    assert.equal(results?.[0].device, 'Second');
    await second.waitForCount(1);
    assert.equal(second.received[0].text, 'to the default');
    assert.equal(first.received.length, 0);
  });

  it('devices list sends to each', async () => {
    const one = await collector();
    const two = await collector();
    await settings.set('devices', [device('One', one.port), device('Two', two.port)]);
    messages = new Messages(api);

    const results = await send({ devices: ['One', 'Two'], message: 'both' });

    assert.deepEqual(
      results?.map((result) => [result.device, result.outcome]),
      [
        ['One', 'sent'],
        ['Two', 'sent'],
      ],
    );
    await one.waitForCount(1);
    await two.waitForCount(1);
    assert.equal(one.received[0].text, 'both');
    assert.equal(two.received[0].text, 'both');
    await messages.waitFor('Sent to all 2 devices: "One" sent, "Two" sent.');
  });

  it('title and priority reach json', async () => {
    const json = await collector();
    await settings.set('devices', [device('Json', json.port, { framing: 'json' })]);
    messages = new Messages(api);

    await send({ device: 'Json', message: 'body', title: 'Head', priority: 'high' });

    await json.waitForCount(1);
    const record = JSON.parse(json.received[0].text) as Record<string, unknown>;
    assert.equal(record.message, 'body');
    assert.equal(record.title, 'Head');
    assert.equal(record.priority, 'high');
    assert.equal(record.token, undefined);
  });

  it('line framing prefixes title', async () => {
    const line = await collector();
    await settings.set('devices', [device('Line', line.port, { framing: 'line' })]);
    messages = new Messages(api);
    await send({ device: 'Line', message: 'body', title: 'Head' });
    await line.waitForCount(1);
    assert.equal(line.received[0].text, 'Head: body\n');
  });

  it('refused device returns failure', async () => {
    const port = await closedPort();
    await settings.set('devices', [device('Down', port)]);
    messages = new Messages(api);

    const results = await send({ device: 'Down', message: 'hello?' });

    assert.equal(results?.length, 1);
    assert.equal(results[0].outcome, 'failed');
    assert.equal(results[0].error?.code, 'refused');
    assert.equal(results[0].error?.stage, 'connect');
    const toast = await messages.waitFor('Down');
    assert.equal(toast.severity, 'error');
    assert.deepEqual(toast.actions, ['Retry', 'Show Log']);
  });

  it('retry resends failed devices only', async () => {
    const up = await collector();
    const port = await closedPort();
    await settings.set('devices', [device('Up', up.port), device('Down', port)]);
    let retries = 0;
    messages = new Messages(api, {
      message: (message) => {
        if (message.actions.includes('Retry') && retries === 0) {
          retries += 1;
          return 'Retry';
        }
        return undefined;
      },
    });

    const results = await send({ devices: ['Up', 'Down'], message: 'again' });

    assert.deepEqual(
      results?.map((result) => result.outcome),
      ['sent', 'failed'],
    );
    const failures = await waitFor(() => {
      const found = messages!.shown.filter((message) => message.text.includes('"Down"'));
      return found.length >= 2 && found;
    }, 'the failure toasts of the first send and of the retry');
    assert.match(
      failures[0].text,
      /^Sent to 1 of 2 devices: "Up" sent, "Down" failed \(connection refused\)/,
    );
    assert.equal(failures[0].severity, 'warning');
    assert.equal(failures[1].severity, 'error');
    await sleep(300);
    assert.equal(up.received.length, 1, 'the retry skipped the device that had succeeded');
  });

  it('disabled device is refused', async () => {
    const off = await collector();
    await settings.set('devices', [device('Off', off.port, { enabled: false })]);
    messages = new Messages(api);

    const results = await send({ device: 'Off', message: 'nope' });

    assert.equal(results?.[0].outcome, 'failed');
    assert.equal(results?.[0].error?.code, 'invalid-device');
    assert.match(results?.[0].error?.message ?? '', /turned off/);
    await messages.waitFor('Device "Off" is turned off');
    await sleep(300);
    assert.equal(off.received.length, 0);
  });

  it('tree node prompts for message', async () => {
    const json = await collector();
    await settings.set('devices', [device('Prompted', json.port, { framing: 'json' })]);
    const prompts: string[] = [];
    messages = new Messages(api, {
      input: (request) => {
        prompts.push(request.prompt ?? '');
        return prompts.length === 1 ? 'typed message' : 'typed title';
      },
    });
    const entry = api.devices.entries().find((item) => item.label === 'Prompted');
    assert.ok(entry);

    const results = await send({ entryId: entry.id });

    assert.equal(results?.[0].outcome, 'sent');
    assert.equal(prompts.length, 2, 'message and title prompts');
    await json.waitForCount(1);
    const record = JSON.parse(json.received[0].text) as Record<string, unknown>;
    assert.equal(record.message, 'typed message');
    assert.equal(record.title, 'typed title');
  });

  it('raw device skips title prompt', async () => {
    const raw = await collector();
    await settings.set('devices', [device('RawPrompt', raw.port)]);
    const prompts: string[] = [];
    messages = new Messages(api, {
      input: (request) => {
        prompts.push(request.prompt ?? '');
        return 'only message';
      },
    });

    await send({ device: 'RawPrompt' });

    assert.equal(prompts.length, 1);
    await raw.waitForCount(1);
    assert.equal(raw.received[0].text, 'only message');
  });

  it('cancelled prompt sends nothing', async () => {
    const raw = await collector();
    await settings.set('devices', [device('Cancel', raw.port)]);
    messages = new Messages(api, { input: () => undefined });
    const results = await send({ device: 'Cancel' });
    assert.equal(results, undefined);
    await sleep(300);
    assert.equal(raw.received.length, 0);
  });

  it('palette picker preselects default', async () => {
    const raw = await collector();
    const other = await collector();
    await settings.set('devices', [device('Other', other.port), device('Preferred', raw.port)]);
    await settings.set('defaultDevice', 'Preferred');
    messages = new Messages(api, { input: () => 'from the palette' });

    const running = send();
    await sleep(1_000);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const results = await running;

    assert.deepEqual(
      results?.map((result) => result.device),
      ['Preferred'],
    );
    await raw.waitForCount(1);
    assert.equal(raw.received[0].text, 'from the palette');
    assert.equal(other.received.length, 0);
  });
});

describe('send api', () => {
  let api: TestApi;
  let settings: UserSettings;
  let raw: Collector;
  let messages: Messages;

  before(async () => {
    api = await extensionApi();
  });

  beforeEach(async () => {
    settings = new UserSettings(api);
    raw = await startCollector();
    await settings.set('devices', [device('Api', raw.port)]);
    await settings.set('defaultDevice', 'Api');
    messages = new Messages(api);
  });

  afterEach(async () => {
    messages.dispose();
    await settings.restore();
    await raw.close();
  });

  it('send returns one summary', async () => {
    const summary = await api.send('api', 'from another extension', { priority: 'low' });
    assert.equal(summary.device, 'Api');
    assert.equal(summary.outcome, 'sent');
    await raw.waitForCount(1);
    assert.equal(raw.received[0].text, 'from another extension');
    await sleep(200);
    assert.deepEqual(messages.texts(), [], 'API sends show no toast');
  });

  it('device names and default', () => {
    assert.ok(api.deviceNames().includes('Api'));
    assert.equal(api.defaultDevice(), 'Api');
  });

  it('unknown device rejects with code', async () => {
    await assert.rejects(api.send('Missing', 'x'), { code: 'unknown-device' });
  });

  it('empty message rejects with code', async () => {
    await assert.rejects(api.send('Api', '  '), { code: 'invalid-argument' });
  });
});
