/**
 * The text of a caught value, for a message a user reads: anything can be thrown, and only an
 * Error's message (not its stack or its class name) is worth showing.
 */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * What the user gave is wrong — a file, a folder, a model, a run or batch already going on there —
 * not the program: the UI shows it as a plain message to act on, never as a bug to report.
 * `code` names the kind of problem for code that tells them apart.
 */
export class InputError extends Error {
  constructor(
    message: string,
    readonly code = 'input',
  ) {
    super(message);
    this.name = 'InputError';
  }
}
