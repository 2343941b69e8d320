// Splits a list into runs of at most `size` items: batches per Meta request, rows per SQL statement (a
// database bounds the parameters of one statement). A size below 1 is read as 1, so a bad setting cannot loop.
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const step = Math.max(1, Math.floor(size));
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += step) out.push(items.slice(start, start + step));
  return out;
}
