/**
 * A business rule broken by a request, with a stable code `AREA.REASON` such as `ORDER.NOT_CANCELABLE`. Domain code
 * throws it and knows nothing of HTTP: the one HTTP error filter (libs/platform) answers it by its reason.
 */
export class DomainError extends Error {
  /** When the request may succeed if tried again (a limit that will lift), in seconds. */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: string,
    message: string,
    options: { retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
