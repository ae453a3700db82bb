/**
 * Thin wrappers around the message and input functions of `vscode.window`, so tests can read
 * what the user was shown and answer prompts without a person. Without a responder everything
 * goes to VS Code unchanged; listeners of `onDidShowMessage` see every message either way.
 */

import * as vscode from 'vscode';

export type MessageSeverity = 'info' | 'warning' | 'error';

export interface ShownMessage {
  severity: MessageSeverity;
  text: string;
  modal: boolean;
  detail?: string;
  /** Button titles offered with the message. */
  actions: string[];
}

export interface InputRequest {
  title?: string;
  prompt?: string;
  placeHolder?: string;
  value?: string;
  password: boolean;
}

/** Returns the title of the chosen button, or undefined for a dismissed message. */
export type MessageResponder = (message: ShownMessage) => string | undefined;
/** Returns the text to enter, or undefined to cancel the input box. */
export type InputResponder = (request: InputRequest) => string | undefined;

export interface Responders {
  message?: MessageResponder;
  input?: InputResponder;
}

const shown = new vscode.EventEmitter<ShownMessage>();
let responders: Responders = {};

/** Fires for every message shown through this module. */
export const onDidShowMessage = shown.event;

/**
 * Answers messages and input boxes in place of the user until the returned disposable is
 * disposed. Meant for tests.
 */
export function setResponders(next: Responders): vscode.Disposable {
  const before = responders;
  responders = next;
  return new vscode.Disposable(() => {
    if (responders === next) {
      responders = before;
    }
  });
}

export interface MessageOptions {
  modal?: boolean;
  detail?: string;
}

export async function showMessage(
  severity: MessageSeverity,
  text: string,
  options: MessageOptions,
  ...actions: string[]
): Promise<string | undefined> {
  const message: ShownMessage = { severity, text, modal: options.modal === true, actions };
  if (options.detail !== undefined) {
    message.detail = options.detail;
  }
  shown.fire(message);
  if (responders.message) {
    const answer = responders.message(message);
    return answer !== undefined && actions.includes(answer) ? answer : undefined;
  }
  const show = {
    info: vscode.window.showInformationMessage,
    warning: vscode.window.showWarningMessage,
    error: vscode.window.showErrorMessage,
  }[severity];
  const vscodeOptions: vscode.MessageOptions = { modal: message.modal };
  if (options.detail !== undefined) {
    vscodeOptions.detail = options.detail;
  }
  return show(text, vscodeOptions, ...actions);
}

export function showError(text: string, ...actions: string[]): Promise<string | undefined> {
  return showMessage('error', text, {}, ...actions);
}

export function showWarning(text: string, ...actions: string[]): Promise<string | undefined> {
  return showMessage('warning', text, {}, ...actions);
}

export function showInfo(text: string, ...actions: string[]): Promise<string | undefined> {
  return showMessage('info', text, {}, ...actions);
}

/**
 * Shows an input box. With a responder, the answer is checked with `validateInput` the way the
 * input box would check it, and an invalid answer counts as cancelled.
 */
export async function showInputBox(options: vscode.InputBoxOptions): Promise<string | undefined> {
  if (!responders.input) {
    return vscode.window.showInputBox(options);
  }
  const request: InputRequest = { password: options.password === true };
  for (const key of ['title', 'prompt', 'placeHolder', 'value'] as const) {
    const value = options[key];
    if (value !== undefined) {
      request[key] = value;
    }
  }
  const answer = responders.input(request);
  if (answer === undefined) {
    return undefined;
  }
  const problem = await options.validateInput?.(answer);
  const text = typeof problem === 'string' ? problem : problem?.message;
  const isError =
    typeof problem === 'string' ||
    (problem !== undefined &&
      problem !== null &&
      problem.severity === vscode.InputBoxValidationSeverity.Error);
  return text && isError ? undefined : answer;
}
