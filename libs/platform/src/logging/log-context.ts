/** Where the ids of the request or event being handled come from: none until a library names a source. */
let source: () => object | undefined = () => undefined;

/**
 * Names where the ids of the request or event being handled are kept, so that every log line written meanwhile
 * carries them. libs/messaging points it at its message context (this library cannot import it: messaging builds
 * on platform).
 */
export function logContextFrom(current: () => object | undefined): void {
  source = current;
}

/** The ids of the request or event being handled, as a new object (pino may add to what it is given). */
export function currentLogContext(): Record<string, unknown> {
  return { ...source() };
}
