// Send Selection to Device in the real extension host: files on disk opened in editors, selections
// set through the API, and a loopback collector that acts as the device.

import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SendResultSummary } from '../../../src/sending/summary';
import {
  device,
  extensionApi,
  Messages,
  SETTLE_MS,
  sleep,
  startCollector,
  UserSettings,
  waitFor,
  type Collector,
  type TestApi,
} from './sendSupport';

const COMMAND = 'devicePush.sendSelection';
const SEND_TRUNCATED = 'Send Truncated';
const DEVICE = 'Selection';
/** The smallest `maxBytes` that a device accepts. */
const SMALL_MAX_BYTES = 16;

function sendSelection(...args: unknown[]): Thenable<SendResultSummary[] | undefined> {
  return vscode.commands.executeCommand<SendResultSummary[] | undefined>(COMMAND, ...args);
}

function selection(
  anchorLine: number,
  anchorCharacter: number,
  activeLine: number,
  activeCharacter: number,
): vscode.Selection {
  return new vscode.Selection(anchorLine, anchorCharacter, activeLine, activeCharacter);
}

describe('send selection command', () => {
  let api: TestApi;
  let settings: UserSettings;
  let messages: Messages | undefined;
  let collector: Collector;
  let folder: string;
  let fileCount = 0;

  /** Writes `content` to a new file and shows it in an editor. */
  async function openEditor(content: string): Promise<vscode.TextEditor> {
    fileCount += 1;
    const path = join(folder, `selection-${fileCount}.txt`);
    writeFileSync(path, content);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
    return vscode.window.showTextDocument(document);
  }

  before(async () => {
    api = await extensionApi();
    folder = mkdtempSync(join(tmpdir(), 'device-push-selection-'));
  });

  after(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  beforeEach(async () => {
    settings = new UserSettings(api);
    collector = await startCollector();
  });

  afterEach(async () => {
    messages?.dispose();
    messages = undefined;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await settings.restore();
    await collector.close();
  });

  it('multiple cursors join in document order', async () => {
    await settings.set('devices', [device(DEVICE, collector.port)]);
    await settings.set('defaultDevice', DEVICE);
    messages = new Messages(api);
    const editor = await openEditor('first line\nsecond line\nthird line\nfourth line\n');
    // Made last to first, one of them backwards, with an empty cursor that the command ignores.
    editor.selections = [
      selection(3, 0, 3, 6),
      selection(2, 5, 2, 0),
      selection(1, 3, 1, 3),
      selection(0, 6, 1, 6),
    ];

    const results = await sendSelection();

    assert.equal(results?.length, 1);
    assert.equal(results[0].device, DEVICE);
    assert.equal(results[0].outcome, 'sent');
    await collector.waitForCount(1);
    assert.equal(collector.received[0].text, 'line\nsecond\nthird\nfourth');
    await sleep(SETTLE_MS);
    assert.equal(collector.received.length, 1, 'one send for all selections');
  });

  it('CRLF selection arrives with LF', async () => {
    await settings.set('devices', [device(DEVICE, collector.port)]);
    messages = new Messages(api);
    const editor = await openEditor('one\r\ntwo\r\nthree\r\n');
    editor.selection = selection(0, 0, 2, 5);

    await sendSelection(DEVICE);

    await collector.waitForCount(1);
    assert.equal(collector.received[0].text, 'one\ntwo\nthree');
  });

  it('empty selection sends current line', async () => {
    await settings.set('devices', [device(DEVICE, collector.port)]);
    messages = new Messages(api);
    const editor = await openEditor('alpha\n  the cursor line  \ngamma\n');
    editor.selection = selection(1, 4, 1, 4);

    const results = await sendSelection({ device: DEVICE });

    assert.equal(results?.[0].outcome, 'sent');
    await collector.waitForCount(1);
    assert.equal(collector.received[0].text, '  the cursor line  ');
  });

  // The editor context menu passes the document URI as the first argument.
  it('editor menu URI uses default', async () => {
    await settings.set('devices', [device(DEVICE, collector.port)]);
    await settings.set('defaultDevice', DEVICE);
    messages = new Messages(api);
    const editor = await openEditor('from the context menu\n');
    editor.selection = selection(0, 5, 0, 21);

    const results = await sendSelection(editor.document.uri);

    assert.equal(results?.[0].device, DEVICE);
    await collector.waitForCount(1);
    assert.equal(collector.received[0].text, 'the context menu');
  });

  it('empty line sends nothing', async () => {
    await settings.set('devices', [device(DEVICE, collector.port)]);
    messages = new Messages(api);
    const editor = await openEditor('alpha\n   \ngamma\n');
    editor.selection = selection(1, 1, 1, 1);

    const results = await sendSelection(DEVICE);

    assert.equal(results, undefined);
    const shown = await messages.waitFor('The current line is empty');
    assert.equal(shown.severity, 'info');
    await sleep(SETTLE_MS);
    assert.equal(collector.received.length, 0);
  });

  it('no active editor shows message', async () => {
    await settings.set('devices', [device(DEVICE, collector.port)]);
    await settings.set('defaultDevice', DEVICE);
    messages = new Messages(api);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor(() => vscode.window.activeTextEditor === undefined, 'no active editor');

    const results = await sendSelection();

    assert.equal(results, undefined);
    const shown = await messages.waitFor('no editor is active');
    assert.equal(shown.severity, 'info');
    assert.equal(shown.modal, false);
    await sleep(SETTLE_MS);
    assert.equal(collector.received.length, 0);
  });

  describe('larger than maxBytes', () => {
    const text = 'abcdefghijklmnopqrstuvwxyz';

    beforeEach(async () => {
      await settings.set('devices', [
        device(DEVICE, collector.port, { maxBytes: SMALL_MAX_BYTES }),
      ]);
      const editor = await openEditor(`${text}\n`);
      editor.selection = selection(0, 0, 0, text.length);
    });

    it('confirmed sends truncated text', async () => {
      messages = new Messages(api, {
        message: (message) => (message.modal ? SEND_TRUNCATED : undefined),
      });

      const results = await sendSelection(DEVICE);

      const question = await messages.waitFor('Send it truncated');
      assert.equal(question.severity, 'warning');
      assert.equal(question.modal, true);
      assert.deepEqual(question.actions, [SEND_TRUNCATED]);
      assert.equal(
        question.text,
        `The selection is ${text.length} bytes, more than the ${SMALL_MAX_BYTES} bytes that ` +
          `"${DEVICE}" accepts. Send it truncated to ${SMALL_MAX_BYTES} bytes?`,
      );
      assert.equal(results?.[0].outcome, 'sent');
      assert.equal(results[0].truncated, true);
      await collector.waitForCount(1);
      // 13 letters and the 3-byte marker "…" fill the 16 bytes.
      assert.equal(collector.received[0].text, 'abcdefghijklm…');
      assert.equal(collector.received[0].bytes.length, SMALL_MAX_BYTES);
    });

    it('declined sends nothing', async () => {
      messages = new Messages(api, { message: () => undefined });

      const results = await sendSelection(DEVICE);

      assert.equal(results, undefined);
      const question = await messages.waitFor('Send it truncated');
      assert.equal(question.modal, true);
      await sleep(SETTLE_MS);
      assert.equal(collector.received.length, 0);
    });
  });
});
