import * as vscode from 'vscode';
import type { TaskInfo } from '../sender/types';
import { dependencyLabels } from './dependencies';

/**
 * How long after a task terminal closed a CustomExecution run without an exit code counts as
 * terminated. VS Code closes the terminal of a terminated task right before it reports the end.
 */
const TERMINAL_CLOSE_WINDOW_MS = 1000;

type RunKind = 'process' | 'custom' | 'composite';

interface TaskRun {
  execution: vscode.TaskExecution;
  name: string;
  folder: vscode.WorkspaceFolder | undefined;
  kind: RunKind;
  /** `Date.now()` at the first event of the run. */
  startedAt: number;
  processEnded: boolean;
  exitCode: number | undefined;
  /** The composite run (a task made of `dependsOn`) that started this run. */
  parent: TaskRun | undefined;
  /** Labels that this composite run starts, or undefined when unknown. */
  dependencies: Set<string> | undefined;
  /** Results of finished dependency runs, for a composite run. */
  childResults: { status: TaskInfo['status']; exitCode: number | undefined }[];
  /** Dependency runs that have not finished, for a composite run. */
  runningChildren: Set<TaskRun>;
}

/** A finished top-level task run, reported once. */
export interface FinishedTaskRun {
  info: TaskInfo;
  /** Folder of the task, when it belongs to one; its settings apply. */
  folderUri: vscode.Uri | undefined;
  /** `performance.now()` when VS Code reported the end, for latency measurements. */
  endedAt: number;
}

/**
 * Turns VS Code's task events into exactly one `onDidFinish` per task run.
 *
 * What VS Code reports (checked against VS Code 1.139):
 * - Shell and process tasks: `onDidStartTask` and `onDidStartTaskProcess` (in either order), then
 *   `onDidEndTaskProcess` with the exit code, then `onDidEndTask`, which arrives twice for tasks
 *   started by `tasks.executeTask` that fail. A task terminated by the user ends with no exit code.
 * - CustomExecution tasks: the same events; the exit code is the number that the pseudoterminal
 *   passed to `onDidClose`, and none when it closed without one or was terminated.
 * - A task made only of `dependsOn` has no events of its own while it runs; its dependencies have
 *   theirs. Started by `tasks.executeTask`, it is listed in `tasks.taskExecutions` (with no
 *   `execution`) and gets `onDidEndTask` at the end. Started from the Run Task UI, VS Code reports
 *   nothing for it at all.
 *
 * Rules:
 * - A run is reported when its process ends, or when the task ends if no process end came.
 * - Exit code 0 is `succeeded`, any other code `failed`. No exit code is `terminated` for shell
 *   and process tasks. For CustomExecution tasks it is `terminated` when the task's terminal
 *   closed just before (what Terminate Task does) and `succeeded` otherwise.
 * - A task made of `dependsOn` that VS Code reports is one run: its dependencies that start while
 *   it runs report nothing of their own, and it is `failed` (with the first failing exit code)
 *   when one of them failed, else `terminated` when one was terminated, else `succeeded`.
 * - Background tasks report nothing while they watch and one run when they stop.
 */
export class TaskRunTracker implements vscode.Disposable {
  private readonly runs = new Map<vscode.TaskExecution, TaskRun>();
  private readonly finished = new WeakSet<vscode.TaskExecution>();
  private readonly closedTerminals = new Map<string, number>();
  private readonly finishedEmitter = new vscode.EventEmitter<FinishedTaskRun>();
  private readonly disposables: vscode.Disposable[] = [this.finishedEmitter];

  /** Fires once per finished top-level task run. */
  readonly onDidFinish = this.finishedEmitter.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.tasks.onDidStartTask((event) => this.track(event.execution)),
      vscode.tasks.onDidStartTaskProcess((event) => this.track(event.execution)),
      vscode.tasks.onDidEndTaskProcess((event) => this.onProcessEnd(event)),
      vscode.tasks.onDidEndTask((event) => this.onTaskEnd(event.execution)),
      vscode.window.onDidCloseTerminal((terminal) => this.onTerminalClosed(terminal)),
    );
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) {
      disposable.dispose();
    }
    this.runs.clear();
  }

  private onProcessEnd(event: vscode.TaskProcessEndEvent): void {
    const run = this.track(event.execution);
    if (!run) {
      return;
    }
    run.processEnded = true;
    run.exitCode = event.exitCode;
    this.finish(run);
  }

  private onTaskEnd(execution: vscode.TaskExecution): void {
    const run = this.track(execution);
    if (run) {
      this.finish(run);
    }
  }

  private onTerminalClosed(terminal: vscode.Terminal): void {
    const now = Date.now();
    for (const [name, at] of this.closedTerminals) {
      if (now - at > TERMINAL_CLOSE_WINDOW_MS) {
        this.closedTerminals.delete(name);
      }
    }
    this.closedTerminals.set(terminal.name, now);
  }

  /** Returns the run of this execution, creating it on its first event; undefined once finished. */
  private track(execution: vscode.TaskExecution): TaskRun | undefined {
    if (this.finished.has(execution)) {
      return undefined;
    }
    const known = this.runs.get(execution);
    if (known) {
      return known;
    }
    const run = this.createRun(execution);
    if (run.kind !== 'composite') {
      run.parent = this.findComposite(run);
      run.parent?.runningChildren.add(run);
    }
    this.runs.set(execution, run);
    this.log.debug(
      `Task "${run.name}" started (${run.kind}` +
        `${run.parent ? `, part of "${run.parent.name}"` : ''}).`,
    );
    return run;
  }

  private createRun(execution: vscode.TaskExecution): TaskRun {
    const task = execution.task;
    const folder = typeof task.scope === 'object' ? task.scope : undefined;
    const run: TaskRun = {
      execution,
      name: task.name,
      folder,
      kind: kindOf(task),
      startedAt: Date.now(),
      processEnded: false,
      exitCode: undefined,
      parent: undefined,
      dependencies: undefined,
      childResults: [],
      runningChildren: new Set(),
    };
    if (run.kind === 'composite') {
      const tasks = vscode.workspace.getConfiguration('tasks', folder?.uri).get<unknown>('tasks');
      run.dependencies = dependencyLabels(tasks, run.name);
    }
    return run;
  }

  /**
   * Returns the running composite task that started `run`: one listed in `tasks.taskExecutions`
   * whose `dependsOn` includes the run's label, or any running one in the same folder when its
   * dependencies could not be read.
   */
  private findComposite(run: TaskRun): TaskRun | undefined {
    for (const execution of vscode.tasks.taskExecutions) {
      if (execution === run.execution || kindOf(execution.task) !== 'composite') {
        continue;
      }
      const composite = this.track(execution);
      if (!composite || composite.folder?.uri.toString() !== run.folder?.uri.toString()) {
        continue;
      }
      if (composite.dependencies === undefined || composite.dependencies.has(run.name)) {
        return composite;
      }
    }
    return undefined;
  }

  private finish(run: TaskRun): void {
    this.finished.add(run.execution);
    this.runs.delete(run.execution);
    const { status, exitCode } = this.outcomeOf(run);

    const parent = run.parent;
    if (parent && !this.finished.has(parent.execution)) {
      parent.runningChildren.delete(run);
      parent.childResults.push({ status, exitCode });
      this.log.debug(`Task "${run.name}" ${status}, reported with "${parent.name}".`);
      return;
    }
    for (const child of run.runningChildren) {
      // A dependency that outlives its composite (a background watcher) reports on its own.
      child.parent = undefined;
    }

    const info: TaskInfo = {
      name: run.name,
      status,
      durationMs: Math.max(0, Date.now() - run.startedAt),
    };
    if (exitCode !== undefined) {
      info.exitCode = exitCode;
    }
    if (run.folder) {
      info.folder = run.folder.name;
    }
    this.finishedEmitter.fire({
      info,
      folderUri: run.folder?.uri,
      endedAt: performance.now(),
    });
  }

  private outcomeOf(run: TaskRun): { status: TaskInfo['status']; exitCode: number | undefined } {
    if (run.kind === 'composite') {
      const failed = run.childResults.find((child) => child.status === 'failed');
      if (failed) {
        return failed;
      }
      const terminated = run.childResults.some((child) => child.status === 'terminated');
      return { status: terminated ? 'terminated' : 'succeeded', exitCode: undefined };
    }
    if (run.exitCode !== undefined) {
      return { status: run.exitCode === 0 ? 'succeeded' : 'failed', exitCode: run.exitCode };
    }
    if (run.kind === 'custom') {
      const closedAt = this.closedTerminals.get(run.name);
      const closedJustNow =
        closedAt !== undefined && Date.now() - closedAt <= TERMINAL_CLOSE_WINDOW_MS;
      return { status: closedJustNow ? 'terminated' : 'succeeded', exitCode: undefined };
    }
    // A shell or process task without an exit code was killed, or never started a process.
    return { status: run.processEnded ? 'terminated' : 'failed', exitCode: undefined };
  }
}

function kindOf(task: vscode.Task): RunKind {
  const execution = task.execution;
  if (execution === undefined) {
    return 'composite';
  }
  if (execution instanceof vscode.ShellExecution || execution instanceof vscode.ProcessExecution) {
    return 'process';
  }
  return 'custom';
}
