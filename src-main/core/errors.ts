/**
 * The text of a caught value, for a message a user reads: anything can be thrown, and only an
 * Error's message (not its stack or its class name) is worth showing.
 */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
