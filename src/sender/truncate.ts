/** Marker appended to a truncated text; 3 bytes in UTF-8. */
export const TRUNCATION_MARKER = '…';

/**
 * Code units on each side of a cut that the grapheme check looks at. A user-perceived
 * character longer than this (rare ZWJ sequences) is cut on a code point boundary instead.
 */
const GRAPHEME_WINDOW_UNITS = 64;

/** Created on first use, because the first construction takes about 10 ms in Node 20. */
let graphemeSegmenter: Intl.Segmenter | undefined;

export interface TruncatedText {
  text: string;
  truncated: boolean;
}

/**
 * Cuts `text` so that its UTF-8 form, marker included, takes at most `maxBytes` bytes.
 * The cut falls on a grapheme boundary (an emoji with skin tone or ZWJ stays whole), so the
 * result never ends inside a surrogate pair or a UTF-8 sequence. Text that fits is returned as is.
 * `maxBytes` must leave room for the marker.
 */
export function truncateUtf8(text: string, maxBytes: number): TruncatedText {
  // Every code unit takes at least one byte, so a text longer than `maxBytes` units never fits,
  // and only its first `maxBytes + 1` units can matter for the cut.
  if (text.length <= maxBytes && Buffer.byteLength(text, 'utf8') <= maxBytes) {
    return { text, truncated: false };
  }
  const encoded = Buffer.from(text.slice(0, maxBytes + 1), 'utf8');

  const budget = maxBytes - Buffer.byteLength(TRUNCATION_MARKER, 'utf8');
  let cutByte = Math.max(0, budget);
  // Step back over UTF-8 continuation bytes (10xxxxxx) to the start of a sequence.
  while (cutByte > 0 && (encoded[cutByte] & 0xc0) === 0x80) {
    cutByte -= 1;
  }
  // Each code point keeps its code unit count when decoded (a lone surrogate becomes U+FFFD),
  // so the decoded prefix length is the cut position in `text`.
  const codePointCut = encoded.toString('utf8', 0, cutByte).length;
  const cut = graphemeBoundaryAtOrBefore(text, codePointCut);
  return { text: text.slice(0, cut) + TRUNCATION_MARKER, truncated: true };
}

/** Returns the last grapheme boundary at or before `index`, looking only at a window around it. */
function graphemeBoundaryAtOrBefore(text: string, index: number): number {
  const windowStart = Math.max(0, index - GRAPHEME_WINDOW_UNITS);
  const windowEnd = Math.min(text.length, index + GRAPHEME_WINDOW_UNITS);
  const window = text.slice(windowStart, windowEnd);

  let boundary = windowStart;
  graphemeSegmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const segment of graphemeSegmenter.segment(window)) {
    const start = windowStart + segment.index;
    if (start > index) {
      break;
    }
    boundary = start;
  }
  // A window that starts mid-text may start mid-grapheme, so its first boundary is not trusted.
  if (boundary === windowStart && windowStart > 0) {
    return index;
  }
  return boundary;
}
