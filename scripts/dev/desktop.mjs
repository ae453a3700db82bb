// Opens the sample in a desktop VS Code as an Extension Development Host.

import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { root } from './sample.mjs';

const CLI_EXIT_TIMEOUT_MS = 30_000;

/** Returns the path of the desktop `code` command on PATH, or undefined. */
export function findDesktopCode(env = process.env) {
  const names = process.platform === 'win32' ? ['code.cmd', 'code.exe'] : ['code'];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not in this directory.
      }
    }
  }
  return undefined;
}

/**
 * Runs `code --extensionDevelopmentPath=<repo> <folder>`. The command hands the window to the
 * running VS Code and exits, so this resolves with its exit code soon after.
 */
export function openInDesktop(codePath, folder) {
  return new Promise((resolveExit, rejectExit) => {
    const windows = process.platform === 'win32';
    const args = [`--extensionDevelopmentPath=${root}`, folder];
    // Windows runs code.cmd only through a shell, which needs the paths quoted.
    const child = spawn(
      windows ? `"${codePath}"` : codePath,
      windows ? args.map((arg) => `"${arg}"`) : args,
      {
        stdio: 'inherit',
        shell: windows,
      },
    );
    const timer = setTimeout(() => {
      child.kill();
      rejectExit(new Error(`${codePath} did not return within ${CLI_EXIT_TIMEOUT_MS} ms`));
    }, CLI_EXIT_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      rejectExit(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolveExit(code ?? 1);
    });
  });
}
