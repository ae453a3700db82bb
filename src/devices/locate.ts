/**
 * Finds a device entry in the text of a settings file (JSON with comments and trailing commas),
 * so Edit Device can put the cursor on it. Pure, so unit tests run without VS Code. It reads only
 * as much structure as it needs and gives up (returns less) on text it cannot follow.
 */

export interface EntryLocation {
  /** Offset of the `"devicePush.devices"` key. */
  keyOffset: number;
  /** Offset of the entry's first character, when the list has that many entries. */
  entryOffset?: number;
}

const SETTING_KEY = '"devicePush.devices"';

/** Returns where `devicePush.devices` and its entry number `index` (0-based) start, if found. */
export function locateDeviceEntry(text: string, index: number): EntryLocation | undefined {
  const keyOffset = findKey(text);
  if (keyOffset === undefined) {
    return undefined;
  }
  let position = skipTrivia(text, keyOffset + SETTING_KEY.length);
  if (text[position] !== ':') {
    return { keyOffset };
  }
  position = skipTrivia(text, position + 1);
  if (text[position] !== '[' || index < 0) {
    return { keyOffset };
  }
  const entryOffset = findElement(text, position + 1, index);
  return entryOffset === undefined ? { keyOffset } : { keyOffset, entryOffset };
}

/** Offset of the first `"devicePush.devices"` string outside comments that is used as a key. */
function findKey(text: string): number | undefined {
  let position = 0;
  while (position < text.length) {
    const char = text[position];
    if (char === '/' && (text[position + 1] === '/' || text[position + 1] === '*')) {
      position = skipComment(text, position);
    } else if (char === '"') {
      const end = skipString(text, position);
      if (text.slice(position, end) === SETTING_KEY && text[skipTrivia(text, end)] === ':') {
        return position;
      }
      position = end;
    } else {
      position += 1;
    }
  }
  return undefined;
}

/** Walks the elements of an array whose `[` ends just before `start`. */
function findElement(text: string, start: number, wanted: number): number | undefined {
  let depth = 0;
  let count = 0;
  let expectingElement = true;
  let position = start;
  while (position < text.length) {
    position = skipTrivia(text, position);
    const char = text[position];
    if (char === undefined) {
      return undefined;
    }
    if (depth === 0) {
      if (char === ']') {
        return undefined;
      }
      if (char === ',') {
        expectingElement = true;
        position += 1;
        continue;
      }
      if (expectingElement) {
        if (count === wanted) {
          return position;
        }
        count += 1;
        expectingElement = false;
      }
    }
    if (char === '"') {
      position = skipString(text, position);
      continue;
    }
    if (char === '{' || char === '[') {
      depth += 1;
    } else if (char === '}' || char === ']') {
      depth -= 1;
    }
    position += 1;
  }
  return undefined;
}

function skipTrivia(text: string, start: number): number {
  let position = start;
  while (position < text.length) {
    const char = text[position];
    if (/\s/.test(char)) {
      position += 1;
    } else if (char === '/' && (text[position + 1] === '/' || text[position + 1] === '*')) {
      position = skipComment(text, position);
    } else {
      break;
    }
  }
  return position;
}

function skipComment(text: string, start: number): number {
  if (text[start + 1] === '/') {
    const end = text.indexOf('\n', start);
    return end === -1 ? text.length : end + 1;
  }
  const end = text.indexOf('*/', start + 2);
  return end === -1 ? text.length : end + 2;
}

/** Returns the offset just past the string that starts at `start`. */
function skipString(text: string, start: number): number {
  let position = start + 1;
  while (position < text.length) {
    const char = text[position];
    if (char === '\\') {
      position += 2;
    } else if (char === '"') {
      return position + 1;
    } else if (char === '\n') {
      return position;
    } else {
      position += 1;
    }
  }
  return position;
}
