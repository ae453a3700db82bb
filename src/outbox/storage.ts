/**
 * Where the outbox state lives: a JSON file for the extension, memory for unit tests.
 */

import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { OutboxError, fsErrorCode } from './errors';

/** Reads and writes the outbox state as one JSON value. */
export interface OutboxStorage {
  /** Returns the stored value, or `undefined` when nothing was stored yet. */
  read(): Promise<unknown>;
  write(value: unknown): Promise<void>;
  /**
   * Returns a string that changes whenever the stored value changes, or `undefined` when
   * nothing is stored. Lets a reader skip parsing a file that nobody changed since it last
   * read or wrote it.
   */
  version?(): Promise<string | undefined>;
}

/**
 * A JSON file written atomically: the text goes to a temporary file in the same directory,
 * which then replaces the file with `rename`, so a reader (or a crash) sees either the old or
 * the new contents, never a mix.
 *
 * NOTE: the file is not fsync'ed, so a power failure (not a crash of VS Code) can lose the last
 * writes.
 */
export class JsonFileStorage implements OutboxStorage {
  constructor(readonly path: string) {}

  async read(): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (fsErrorCode(error) === 'ENOENT') {
        return undefined;
      }
      throw new OutboxError('storage-failed', 'read', `Cannot read the outbox file ${this.path}.`, {
        cause: error,
      });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      const aside = `${this.path}.invalid-${Date.now()}`;
      await rename(this.path, aside).catch(() => undefined);
      throw new OutboxError(
        'storage-invalid',
        'read',
        `The outbox file ${this.path} is not valid JSON. It was moved to ${aside} and the ` +
          'outbox starts empty.',
        { cause: error },
      );
    }
  }

  async write(value: unknown): Promise<void> {
    const temporary = `${this.path}.${process.pid}.${randomUUID()}.tmp`;
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(temporary, JSON.stringify(value));
      await rename(temporary, this.path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw new OutboxError(
        'storage-failed',
        'write',
        `Cannot write the outbox file ${this.path}.`,
        {
          cause: error,
        },
      );
    }
  }

  /**
   * Inode, size and modification time in nanoseconds. Every write renames a new file into
   * place, so the inode changes even when size and time happen to match.
   */
  async version(): Promise<string | undefined> {
    try {
      const info = await stat(this.path, { bigint: true });
      return `${info.ino}:${info.size}:${info.mtimeNs}`;
    } catch (error) {
      if (fsErrorCode(error) === 'ENOENT') {
        return undefined;
      }
      throw new OutboxError('storage-failed', 'read', `Cannot read the outbox file ${this.path}.`, {
        cause: error,
      });
    }
  }
}

/** Keeps a JSON copy in memory. Several `Outbox` instances may share one. */
export class MemoryStorage implements OutboxStorage {
  private text: string | undefined;
  private writes = 0;

  read(): Promise<unknown> {
    return Promise.resolve(
      this.text === undefined ? undefined : (JSON.parse(this.text) as unknown),
    );
  }

  write(value: unknown): Promise<void> {
    this.text = JSON.stringify(value);
    this.writes += 1;
    return Promise.resolve();
  }

  version(): Promise<string | undefined> {
    return Promise.resolve(this.text === undefined ? undefined : String(this.writes));
  }
}
