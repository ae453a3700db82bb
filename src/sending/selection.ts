/**
 * Which text of an editor "Send Selection to Device" sends. Pure: the types below are the parts of
 * `vscode.TextDocument` and `vscode.Selection` that it reads, so unit tests run in plain Node.
 *
 * Rules:
 * - The non-empty selections are sent in document order (not the order they were made), joined by
 *   one line break.
 * - When no selection contains text, the line of each cursor is sent instead: one cursor sends its
 *   current line, several cursors send their lines in document order, each line once.
 * - CRLF and CR line breaks become LF, so every device gets the same text from any file.
 * - Text that is empty or only whitespace counts as nothing to send.
 */

export interface PositionLike {
  line: number;
  character: number;
}

export interface RangeLike {
  start: PositionLike;
  end: PositionLike;
}

export interface SelectionLike extends RangeLike {
  /** The cursor end of the selection. */
  active: PositionLike;
}

export interface DocumentLike<S extends SelectionLike> {
  getText(range: S): string;
  lineAt(line: number): { text: string };
}

export interface SelectedText {
  /** Text to send, with LF line breaks; empty when there is nothing to send. */
  text: string;
  /** `selection` when selected text was found, `line` when the cursor lines were taken instead. */
  source: 'selection' | 'line';
  /** Number of selections or lines the text was made of. */
  parts: number;
}

function comparePositions(a: PositionLike, b: PositionLike): number {
  return a.line - b.line || a.character - b.character;
}

function isEmptyRange(range: RangeLike): boolean {
  return comparePositions(range.start, range.end) === 0;
}

/** Converts CRLF and lone CR line breaks to LF. */
export function normalizeLineBreaks(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** Returns the text to send for these selections; see the module comment for the rules. */
export function selectedText<S extends SelectionLike>(
  document: DocumentLike<S>,
  selections: readonly S[],
): SelectedText {
  const nonEmpty = selections
    .filter((selection) => !isEmptyRange(selection))
    .sort((a, b) => comparePositions(a.start, b.start));
  if (nonEmpty.length > 0) {
    const parts = nonEmpty.map((selection) => normalizeLineBreaks(document.getText(selection)));
    return { text: onlyIfVisible(parts.join('\n')), source: 'selection', parts: parts.length };
  }

  const lines = [...new Set(selections.map((selection) => selection.active.line))].sort(
    (a, b) => a - b,
  );
  const parts = lines.map((line) => normalizeLineBreaks(document.lineAt(line).text));
  return { text: onlyIfVisible(parts.join('\n')), source: 'line', parts: parts.length };
}

function onlyIfVisible(text: string): string {
  return text.trim() === '' ? '' : text;
}
