/**
 * The tasks that a task made of `dependsOn` runs, read from tasks.json. Pure, so unit tests run in
 * plain Node.
 */

/**
 * Returns every task label that running `label` starts through `dependsOn`, directly or through
 * other tasks' `dependsOn`, read from the `tasks` array of a tasks.json. Returns undefined when
 * `label` is not found or a dependency is a task identifier object (such as
 * `{ "type": "npm", "script": "build" }`) instead of a label, because its label is not known here.
 */
export function dependencyLabels(tasks: unknown, label: string): Set<string> | undefined {
  if (!Array.isArray(tasks)) {
    return undefined;
  }
  const dependsOnByLabel = new Map<string, unknown>();
  for (const task of tasks) {
    if (isRecord(task) && typeof task.label === 'string') {
      dependsOnByLabel.set(task.label, task.dependsOn);
    }
  }
  if (!dependsOnByLabel.has(label)) {
    return undefined;
  }

  const found = new Set<string>();
  const pending = [label];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    const dependsOn = dependsOnByLabel.get(current);
    const items = dependsOn === undefined ? [] : Array.isArray(dependsOn) ? dependsOn : [dependsOn];
    for (const item of items) {
      if (typeof item !== 'string') {
        return undefined;
      }
      if (item !== label && !found.has(item)) {
        found.add(item);
        pending.push(item);
      }
    }
  }
  return found;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
