/**
 * Runs `worker` on every item, at most `limit` at a time, and returns the results in input order.
 * A worker that rejects rejects the whole run, so workers report failures as values.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  worker: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  const slots = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  let next = 0;
  const runSlot = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await worker(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: slots }, runSlot));
  return results;
}
