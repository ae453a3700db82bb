import type { Framing } from '../sender/types';

const LF = 0x0a;
const CR = 0x0d;
const LENGTH_PREFIX_BYTES = 4;

/** Payloads that one chunk completed. */
export interface DecodeResult {
  frames: Buffer[];
  /**
   * Set when a message grew beyond the maximum. `frames` still lists the messages completed
   * before it, and the decoder must not be used again.
   */
  tooLarge: boolean;
}

/** Remainder of the stream when the client ends its side of the connection. */
export interface DecoderEnd {
  /** Last message, for framings whose message may end at the end of the stream. */
  frame?: Buffer;
  /** Bytes of a frame that the client started but did not finish. */
  incompleteBytes: number;
  /** Set when the last message, ended by the end of the stream, exceeds the maximum. */
  tooLarge: boolean;
}

/** Splits the bytes of one connection into message payloads. */
export interface FrameDecoder {
  push(chunk: Buffer): DecodeResult;
  end(): DecoderEnd;
}

/** Creates the decoder for one connection. `line` and `json` share the line splitter. */
export function createFrameDecoder(framing: Framing, maxBytes: number): FrameDecoder {
  switch (framing) {
    case 'raw':
      return new RawDecoder(maxBytes);
    case 'line':
    case 'json':
      return new LineDecoder(maxBytes);
    case 'length-prefixed':
      return new LengthPrefixedDecoder(maxBytes);
  }
}

/** Collects every byte up to the client's FIN as one message. */
class RawDecoder implements FrameDecoder {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): DecodeResult {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      return { frames: [], tooLarge: true };
    }
    this.chunks.push(chunk);
    return { frames: [], tooLarge: false };
  }

  end(): DecoderEnd {
    return { frame: Buffer.concat(this.chunks, this.size), incompleteBytes: 0, tooLarge: false };
  }
}

/**
 * Splits on LF and drops one CR before it, so both `lf` and `crlf` endings work.
 * A last line without terminator is still returned by `end()`.
 */
class LineDecoder implements FrameDecoder {
  private pending: Buffer[] = [];
  private pendingSize = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): DecodeResult {
    const frames: Buffer[] = [];
    let start = 0;
    let newline = chunk.indexOf(LF, start);
    while (newline !== -1) {
      const line = this.takeLine(chunk.subarray(start, newline));
      if (line.length > this.maxBytes) {
        return { frames, tooLarge: true };
      }
      frames.push(line);
      start = newline + 1;
      newline = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingSize += chunk.length - start;
      // One byte more is allowed, because it may be the CR of a CRLF ending.
      if (this.pendingSize > this.maxBytes + 1) {
        return { frames, tooLarge: true };
      }
    }
    return { frames, tooLarge: false };
  }

  /** Returns a last line that has no terminator; it counts as a message. */
  end(): DecoderEnd {
    if (this.pendingSize === 0) {
      return { incompleteBytes: 0, tooLarge: false };
    }
    const line = this.takeLine(Buffer.alloc(0));
    if (line.length > this.maxBytes) {
      return { incompleteBytes: 0, tooLarge: true };
    }
    return { frame: line, incompleteBytes: 0, tooLarge: false };
  }

  /** Joins the pending bytes with `tail` and removes one trailing CR. */
  private takeLine(tail: Buffer): Buffer {
    let line = tail;
    if (this.pending.length > 0) {
      this.pending.push(tail);
      line = Buffer.concat(this.pending, this.pendingSize + tail.length);
      this.pending = [];
      this.pendingSize = 0;
    }
    if (line.length > 0 && line[line.length - 1] === CR) {
      line = line.subarray(0, line.length - 1);
    }
    return line;
  }
}

/**
 * Reads frames of a 4-byte big-endian byte count followed by that many bytes.
 * A count above the maximum is rejected as soon as the prefix arrives, before any body byte.
 */
class LengthPrefixedDecoder implements FrameDecoder {
  // Chunks are joined only once a whole frame is there, so a large frame costs one copy.
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): DecodeResult {
    this.chunks.push(chunk);
    this.size += chunk.length;
    const frames: Buffer[] = [];
    while (this.size >= LENGTH_PREFIX_BYTES) {
      const length = this.readLength();
      if (length > this.maxBytes) {
        return { frames, tooLarge: true };
      }
      const frameEnd = LENGTH_PREFIX_BYTES + length;
      if (this.size < frameEnd) {
        break;
      }
      const joined = this.join();
      frames.push(joined.subarray(LENGTH_PREFIX_BYTES, frameEnd));
      const rest = joined.subarray(frameEnd);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.size = rest.length;
    }
    return { frames, tooLarge: false };
  }

  end(): DecoderEnd {
    return { incompleteBytes: this.size, tooLarge: false };
  }

  private readLength(): number {
    const first = this.chunks[0].length >= LENGTH_PREFIX_BYTES ? this.chunks[0] : this.join();
    return first.readUInt32BE(0);
  }

  private join(): Buffer {
    if (this.chunks.length > 1) {
      this.chunks = [Buffer.concat(this.chunks, this.size)];
    }
    return this.chunks[0];
  }
}
