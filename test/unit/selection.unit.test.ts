import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateDeviceEntry, type DeviceConfig } from '../../src/devices/schema';
import { describeOversize, findOversize } from '../../src/sending/oversize';
import {
  normalizeLineBreaks,
  selectedText,
  type PositionLike,
  type SelectionLike,
} from '../../src/sending/selection';

/** A document over plain text, addressed by line and character like VS Code's. */
function document(text: string) {
  const lines = text.split('\n');
  const offset = (position: PositionLike): number =>
    lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) +
    position.character;
  return {
    getText: (range: SelectionLike) => text.slice(offset(range.start), offset(range.end)),
    lineAt: (line: number) => ({ text: lines[line] }),
  };
}

/** A selection from anchor to active, normalized like VS Code's so that start <= end. */
function selection(anchor: [number, number], active: [number, number]): SelectionLike {
  const a = { line: anchor[0], character: anchor[1] };
  const b = { line: active[0], character: active[1] };
  const forward = a.line < b.line || (a.line === b.line && a.character <= b.character);
  return { start: forward ? a : b, end: forward ? b : a, active: b };
}

function cursor(line: number, character: number): SelectionLike {
  return selection([line, character], [line, character]);
}

const TEXT = 'first line\nsecond line\nthird line';

describe('selectedText', () => {
  test('single selection is sent', () => {
    const result = selectedText(document(TEXT), [selection([0, 0], [0, 5])]);
    assert.deepEqual(result, { text: 'first', source: 'selection', parts: 1 });
  });

  test('selections join in document order', () => {
    const result = selectedText(document(TEXT), [
      selection([2, 0], [2, 5]),
      selection([0, 6], [0, 10]),
    ]);
    assert.equal(result.text, 'line\nthird');
    assert.equal(result.parts, 2);
  });

  test('same-line selections order by column', () => {
    const result = selectedText(document(TEXT), [
      selection([1, 7], [1, 11]),
      selection([1, 0], [1, 6]),
    ]);
    assert.equal(result.text, 'second\nline');
  });

  test('empty cursors beside selections ignored', () => {
    const result = selectedText(document(TEXT), [cursor(0, 2), selection([1, 0], [1, 6])]);
    assert.deepEqual(result, { text: 'second', source: 'selection', parts: 1 });
  });

  test('backward selection keeps its text', () => {
    const result = selectedText(document(TEXT), [selection([1, 6], [0, 6])]);
    assert.equal(result.text, 'line\nsecond');
  });

  test('empty selection sends current line', () => {
    const result = selectedText(document(TEXT), [cursor(1, 3)]);
    assert.deepEqual(result, { text: 'second line', source: 'line', parts: 1 });
  });

  test('several cursors send their lines', () => {
    const result = selectedText(document(TEXT), [cursor(2, 0), cursor(0, 1), cursor(2, 4)]);
    assert.deepEqual(result, { text: 'first line\nthird line', source: 'line', parts: 2 });
  });

  test('blank current line is nothing', () => {
    const result = selectedText(document('text\n   \nmore'), [cursor(1, 1)]);
    assert.equal(result.text, '');
    assert.equal(result.source, 'line');
  });

  test('whitespace selection is nothing', () => {
    const result = selectedText(document('a   b'), [selection([0, 1], [0, 4])]);
    assert.equal(result.text, '');
    assert.equal(result.source, 'selection');
  });

  test('CRLF becomes LF', () => {
    const crlf = {
      getText: () => 'one\r\ntwo\rthree',
      lineAt: () => ({ text: '' }),
    };
    const result = selectedText(crlf, [selection([0, 0], [2, 5])]);
    assert.equal(result.text, 'one\ntwo\nthree');
  });
});

describe('normalizeLineBreaks', () => {
  test('mixed breaks become LF', () => {
    assert.equal(normalizeLineBreaks('a\r\nb\rc\nd'), 'a\nb\nc\nd');
  });
});

function config(fields: Record<string, unknown>): DeviceConfig {
  const result = validateDeviceEntry({ name: 'Pi', host: '127.0.0.1', port: 9, ...fields });
  assert.ok(result.ok, 'test device is valid');
  return result.config;
}

describe('findOversize', () => {
  test('text within limit passes', () => {
    assert.deepEqual(findOversize('x'.repeat(16), [config({ maxBytes: 16 })]), []);
  });

  test('raw text over limit', () => {
    assert.deepEqual(findOversize('x'.repeat(17), [config({ maxBytes: 16 })]), [
      { device: 'Pi', bytes: 17, maxBytes: 16 },
    ]);
  });

  test('bytes count UTF-8 not characters', () => {
    const text = 'é'.repeat(9);
    assert.deepEqual(findOversize(text, [config({ maxBytes: 16 })]), [
      { device: 'Pi', bytes: 18, maxBytes: 16 },
    ]);
  });

  test('line escapes count toward limit', () => {
    const text = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    assert.equal(Buffer.byteLength(text), 16);
    const line = config({ framing: 'line', maxBytes: 16 });
    assert.deepEqual(findOversize(text, [line]), [{ device: 'Pi', bytes: 24, maxBytes: 16 }]);
    assert.deepEqual(findOversize(text, [config({ framing: 'raw', maxBytes: 16 })]), []);
  });

  test('only oversized devices listed', () => {
    const small = config({ name: 'Small', maxBytes: 16 });
    const large = config({ name: 'Large', maxBytes: 4096 });
    const found = findOversize('x'.repeat(100), [small, large]);
    assert.deepEqual(
      found.map((item) => item.device),
      ['Small'],
    );
  });
});

describe('describeOversize', () => {
  test('one device names sizes', () => {
    const text = describeOversize('selection', [{ device: 'Pi', bytes: 5000, maxBytes: 4096 }]);
    assert.equal(
      text,
      'The selection is 5000 bytes, more than the 4096 bytes that "Pi" accepts. ' +
        'Send it truncated to 4096 bytes?',
    );
  });

  test('several devices listed', () => {
    const text = describeOversize('current line', [
      { device: 'Pi', bytes: 5000, maxBytes: 4096 },
      { device: 'Watch', bytes: 5000, maxBytes: 64 },
    ]);
    assert.match(text, /"Pi" \(5000 bytes, limit 4096\), "Watch" \(5000 bytes, limit 64\)/);
  });
});
