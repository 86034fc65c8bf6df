/** A problem with imported content: the caller answers 400/422 or prints it, and nothing is written. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  constructor(
    message: string,
    /** Where it went wrong, when known: a field path or a line of the input. */
    readonly issues: { path?: string; line?: number; message: string }[] = [],
  ) {
    super(message);
  }
}
