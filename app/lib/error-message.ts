// What a caught value says, for logs and stored reasons. `catch` hands over `unknown`: a library may throw a
// string or a plain object, and the log line must still say something rather than throw itself.
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
