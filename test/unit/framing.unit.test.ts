import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeNotification } from '../../src/sender/framing';
import { TRUNCATION_MARKER, truncateUtf8 } from '../../src/sender/truncate';
import type { DeviceTarget, Notification } from '../../src/sender/types';
import { testDevice } from './helpers/devices';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const FIXED_TIME = new Date('2026-03-01T12:34:56.789Z');

function device(overrides: Partial<DeviceTarget>): DeviceTarget {
  return testDevice(9000, overrides);
}

function text(bytes: Buffer): string {
  return strictUtf8.decode(bytes);
}

describe('raw framing', () => {
  test('raw sends message bytes only', () => {
    const encoded = encodeNotification(device({ framing: 'raw' }), {
      title: 'Build',
      message: 'done\nok',
    });
    assert.equal(text(encoded.bytes), 'done\nok');
    assert.equal(encoded.truncated, false);
  });
});

describe('line framing', () => {
  test('line joins title and message', () => {
    const encoded = encodeNotification(device({ framing: 'line' }), {
      title: 'Build',
      message: 'done',
    });
    assert.equal(text(encoded.bytes), 'Build: done\n');
  });

  test('line without title sends message', () => {
    const encoded = encodeNotification(device({ framing: 'line' }), { message: 'done' });
    assert.equal(text(encoded.bytes), 'done\n');
  });

  test('line uses crlf terminator', () => {
    const encoded = encodeNotification(device({ framing: 'line', lineEnding: 'crlf' }), {
      message: 'done',
    });
    assert.equal(text(encoded.bytes), 'done\r\n');
  });

  test('line escapes breaks and backslashes', () => {
    const encoded = encodeNotification(device({ framing: 'line', lineBreaks: 'escape' }), {
      message: 'a\nb\r\nc\\d',
    });
    assert.equal(text(encoded.bytes), 'a\\nb\\r\\nc\\\\d\n');
  });

  test('line replaces breaks with spaces', () => {
    const encoded = encodeNotification(device({ framing: 'line', lineBreaks: 'space' }), {
      message: 'a\nb\r\nc\rd',
    });
    assert.equal(text(encoded.bytes), 'a b c d\n');
  });

  test('line stays one line', () => {
    for (const lineBreaks of ['escape', 'space'] as const) {
      const encoded = encodeNotification(device({ framing: 'line', lineBreaks }), {
        title: 'T\nitle',
        message: 'x\ny\rz\r\n',
      });
      const body = text(encoded.bytes).slice(0, -1);
      assert.doesNotMatch(body, /[\r\n]/, `rule ${lineBreaks}`);
    }
  });

  test('line truncation drops broken escape', () => {
    // 12 backslashes escape to 24 characters; the cut must not leave half a pair.
    for (let maxBytes = 16; maxBytes <= 24; maxBytes += 1) {
      const encoded = encodeNotification(device({ framing: 'line', maxBytes }), {
        message: '\\'.repeat(12) + '\n',
      });
      const body = text(encoded.bytes).slice(0, -1);
      assert.ok(body.endsWith(TRUNCATION_MARKER), `maxBytes ${maxBytes}`);
      const kept = body.slice(0, -TRUNCATION_MARKER.length);
      assert.equal(kept.length % 2, 0, `maxBytes ${maxBytes}: ${kept}`);
      assert.ok(Buffer.byteLength(body) <= maxBytes, `maxBytes ${maxBytes}`);
    }
  });
});

describe('json framing', () => {
  const task: Notification['task'] = {
    name: 'build',
    status: 'failed',
    exitCode: 2,
    durationMs: 1234,
    folder: 'app',
  };

  test('json carries every field', () => {
    const encoded = encodeNotification(device({ framing: 'json', token: 's3cret' }), {
      title: 'Build',
      message: 'failed',
      priority: 'high',
      source: 'ci',
      timestamp: FIXED_TIME,
      task,
    });
    const line = text(encoded.bytes);
    assert.ok(line.endsWith('\n'));
    assert.deepEqual(JSON.parse(line), {
      title: 'Build',
      message: 'failed',
      source: 'ci',
      priority: 'high',
      timestamp: '2026-03-01T12:34:56.789Z',
      task,
      token: 's3cret',
    });
  });

  test('json fills defaults', () => {
    const before = Date.now();
    const encoded = encodeNotification(device({ framing: 'json' }), { message: 'hi' });
    const record = JSON.parse(text(encoded.bytes)) as Record<string, unknown>;
    assert.equal(record.source, 'vscode');
    assert.equal(record.priority, 'normal');
    assert.equal('title' in record, false);
    assert.equal('token' in record, false);
    assert.equal('task' in record, false);
    const timestamp = Date.parse(String(record.timestamp));
    assert.ok(timestamp >= before - 1 && timestamp <= Date.now() + 1);
    assert.match(String(record.timestamp), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  test('json stays valid with breaks', () => {
    const message = 'line 1\nline 2\r\n"quoted" \\ \u2028 \u0000 end';
    const encoded = encodeNotification(device({ framing: 'json', lineEnding: 'crlf' }), {
      title: 'a\nb',
      message,
      timestamp: FIXED_TIME,
    });
    const line = text(encoded.bytes);
    assert.ok(line.endsWith('\r\n'));
    assert.doesNotMatch(line.slice(0, -2), /[\r\n]/);
    const record = JSON.parse(line) as Record<string, unknown>;
    assert.equal(record.message, message);
    assert.equal(record.title, 'a\nb');
  });

  test('json drops unknown task fields', () => {
    const encoded = encodeNotification(device({ framing: 'json' }), {
      message: 'done',
      timestamp: FIXED_TIME,
      task: { name: 'x', status: 'succeeded', durationMs: 5, extra: 'no' } as Notification['task'],
    });
    const record = JSON.parse(text(encoded.bytes)) as { task: Record<string, unknown> };
    assert.deepEqual(record.task, { name: 'x', status: 'succeeded', durationMs: 5 });
  });

  test('json truncates message field only', () => {
    const message = 'Grüße 🎉 '.repeat(20);
    const encoded = encodeNotification(device({ framing: 'json', maxBytes: 32 }), {
      message,
      timestamp: FIXED_TIME,
    });
    const record = JSON.parse(text(encoded.bytes)) as { message: string };
    assert.equal(encoded.truncated, true);
    assert.ok(Buffer.byteLength(record.message) <= 32);
    assert.ok(record.message.endsWith(TRUNCATION_MARKER));
    assert.ok(message.startsWith(record.message.slice(0, -1)));
  });
});

describe('length-prefixed framing', () => {
  function prefixOf(bytes: Buffer): number {
    return bytes.readUInt32BE(0);
  }

  test('length prefix counts bytes', () => {
    const cases: [string, number][] = [
      ['Build ✅ done 🎉', 19],
      ['Grüße', 7],
      ['', 0],
    ];
    for (const [message, expected] of cases) {
      const encoded = encodeNotification(device({ framing: 'length-prefixed' }), { message });
      assert.equal(prefixOf(encoded.bytes), expected, message);
      assert.equal(encoded.bytes.length, 4 + expected, message);
      assert.equal(text(encoded.bytes.subarray(4)), message);
    }
  });

  test('length prefix includes title', () => {
    const encoded = encodeNotification(device({ framing: 'length-prefixed' }), {
      title: 'CI',
      message: 'Grüße',
    });
    assert.equal(prefixOf(encoded.bytes), 11);
    assert.equal(text(encoded.bytes.subarray(4)), 'CI: Grüße');
  });

  test('length prefix matches truncated body', () => {
    const encoded = encodeNotification(device({ framing: 'length-prefixed', maxBytes: 20 }), {
      message: 'Build ✅ done 🎉 and more text',
    });
    assert.equal(encoded.truncated, true);
    assert.equal(prefixOf(encoded.bytes), encoded.bytes.length - 4);
    assert.ok(prefixOf(encoded.bytes) <= 20);
    assert.ok(text(encoded.bytes.subarray(4)).endsWith(TRUNCATION_MARKER));
  });
});

describe('truncation', () => {
  const samples = [
    'Build ✅ done 🎉',
    'Grüße aus Köln, schöne Grüße!',
    '日本語のテキストです。とても長いメッセージ。',
    '👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦',
    '🇩🇪🇫🇷🇯🇵🇺🇸🇧🇷🇮🇳',
    'e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301',
    'plain ascii text that is long enough',
  ];

  test('truncation keeps valid UTF-8', () => {
    for (const sample of samples) {
      for (let maxBytes = 16; maxBytes <= Buffer.byteLength(sample) + 2; maxBytes += 1) {
        const { text: cut, truncated } = truncateUtf8(sample, maxBytes);
        const bytes = Buffer.from(cut, 'utf8');
        const label = `${sample} at ${maxBytes}`;
        assert.ok(bytes.length <= maxBytes, label);
        assert.equal(strictUtf8.decode(bytes), cut, label);
        assert.equal(truncated, Buffer.byteLength(sample) > maxBytes, label);
        if (truncated) {
          assert.ok(cut.endsWith(TRUNCATION_MARKER), label);
          assert.ok(sample.startsWith(cut.slice(0, -1)), label);
        } else {
          assert.equal(cut, sample, label);
        }
      }
    }
  });

  test('truncation keeps graphemes whole', () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    for (const sample of samples) {
      const graphemes = [...segmenter.segment(sample)].map((segment) => segment.segment);
      for (let maxBytes = 16; maxBytes < Buffer.byteLength(sample); maxBytes += 1) {
        const kept = truncateUtf8(sample, maxBytes).text.slice(0, -1);
        let joined = '';
        let index = 0;
        while (joined.length < kept.length) {
          joined += graphemes[index];
          index += 1;
        }
        assert.equal(joined, kept, `${sample} at ${maxBytes}`);
      }
    }
  });

  test('truncation never splits surrogates', () => {
    const cut = truncateUtf8('🎉'.repeat(10), 17);
    assert.equal(cut.text, '🎉🎉🎉' + TRUNCATION_MARKER);
    assert.equal(Buffer.byteLength(cut.text), 15);
  });

  test('truncation handles lone surrogates', () => {
    const cut = truncateUtf8('ab\ud800cd'.repeat(10), 16);
    assert.ok(Buffer.byteLength(cut.text) <= 16);
    assert.equal(cut.truncated, true);
  });

  test('fitting text stays unchanged', () => {
    const encoded = encodeNotification(device({ framing: 'raw', maxBytes: 19 }), {
      message: 'Build ✅ done 🎉',
    });
    assert.equal(encoded.truncated, false);
    assert.equal(encoded.bytes.length, 19);
  });

  test('raw truncation sets flag', () => {
    const encoded = encodeNotification(device({ framing: 'raw', maxBytes: 18 }), {
      message: 'Build ✅ done 🎉',
    });
    assert.equal(encoded.truncated, true);
    assert.equal(text(encoded.bytes), 'Build ✅ done ' + TRUNCATION_MARKER);
  });
});
