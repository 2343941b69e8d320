// Runs tasks with at most `limit` in flight. Tasks are expected to handle their own errors; a rejection
// still does not stop the others, and is returned so the caller can log it.
export async function runBounded(tasks: ReadonlyArray<() => Promise<void>>, limit: number): Promise<unknown[]> {
  const errors: unknown[] = [];
  let next = 0;
  async function lane(): Promise<void> {
    while (next < tasks.length) {
      const task = tasks[next++];
      try {
        await task();
      } catch (error) {
        errors.push(error);
      }
    }
  }
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, lane);
  await Promise.all(lanes);
  return errors;
}
