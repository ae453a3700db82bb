import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFrameDecoder } from '../../src/receiver/framing';

function texts(frames: Buffer[]): string[] {
  return frames.map((frame) => frame.toString('utf8'));
}

function lengthPrefixed(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(body.length, 0);
  return Buffer.concat([prefix, body]);
}

void test('raw decoder joins chunks', () => {
  const decoder = createFrameDecoder('raw', 10);
  assert.deepEqual(decoder.push(Buffer.from('hello ')).frames, []);
  assert.equal(decoder.push(Buffer.from('you!')).tooLarge, false);
  const rest = decoder.end();
  assert.equal(rest.frame?.toString('utf8'), 'hello you!');
  assert.equal(rest.incompleteBytes, 0);
});

void test('raw decoder flags oversize', () => {
  const decoder = createFrameDecoder('raw', 10);
  assert.equal(decoder.push(Buffer.from('12345')).tooLarge, false);
  assert.equal(decoder.push(Buffer.from('678901')).tooLarge, true);
});

void test('line decoder splits across chunks', () => {
  const decoder = createFrameDecoder('line', 100);
  assert.deepEqual(texts(decoder.push(Buffer.from('one\ntw')).frames), ['one']);
  assert.deepEqual(texts(decoder.push(Buffer.from('o\r')).frames), []);
  assert.deepEqual(texts(decoder.push(Buffer.from('\nthree\r\n\nfour')).frames), [
    'two',
    'three',
    '',
  ]);
  assert.equal(decoder.end().frame?.toString('utf8'), 'four');
});

void test('line decoder limit excludes terminator', () => {
  const decoder = createFrameDecoder('line', 5);
  const exact = decoder.push(Buffer.from('12345\r\n'));
  assert.deepEqual(texts(exact.frames), ['12345']);
  assert.equal(exact.tooLarge, false);
  const pendingWithCr = decoder.push(Buffer.from('12345\r'));
  assert.equal(pendingWithCr.tooLarge, false);
  assert.deepEqual(texts(decoder.push(Buffer.from('\n')).frames), ['12345']);
});

void test('line decoder keeps frames before oversize', () => {
  const decoder = createFrameDecoder('json', 5);
  const result = decoder.push(Buffer.from('ok\n123456\nlater\n'));
  assert.deepEqual(texts(result.frames), ['ok']);
  assert.equal(result.tooLarge, true);
});

void test('line decoder flags oversize pending', () => {
  const decoder = createFrameDecoder('line', 5);
  assert.equal(decoder.push(Buffer.from('123456')).tooLarge, false);
  assert.equal(decoder.push(Buffer.from('7')).tooLarge, true);
});

void test('line decoder flags oversize last line', () => {
  const decoder = createFrameDecoder('line', 5);
  assert.equal(decoder.push(Buffer.from('123456')).tooLarge, false);
  const rest = decoder.end();
  assert.equal(rest.tooLarge, true);
  assert.equal(rest.frame, undefined);
});

void test('length-prefixed decoder reads several frames', () => {
  const decoder = createFrameDecoder('length-prefixed', 100);
  const stream = Buffer.concat([lengthPrefixed('first'), lengthPrefixed(''), lengthPrefixed('😀')]);
  const frames: Buffer[] = [];
  // One byte per chunk splits every prefix and the emoji.
  for (const byte of stream) {
    const result = decoder.push(Buffer.from([byte]));
    assert.equal(result.tooLarge, false);
    frames.push(...result.frames);
  }
  assert.deepEqual(texts(frames), ['first', '', '😀']);
  assert.equal(decoder.end().incompleteBytes, 0);
});

void test('length-prefixed decoder reports partial frame', () => {
  const decoder = createFrameDecoder('length-prefixed', 100);
  const frame = lengthPrefixed('complete');
  const result = decoder.push(Buffer.concat([frame, frame.subarray(0, 6)]));
  assert.deepEqual(texts(result.frames), ['complete']);
  assert.equal(decoder.end().incompleteBytes, 6);
});

void test('length-prefixed decoder rejects large prefix', () => {
  const decoder = createFrameDecoder('length-prefixed', 100);
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(101, 0);
  assert.equal(decoder.push(prefix).tooLarge, true);
});
