import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventEnvelope } from '../src/envelope';

/** The JSON fixture of an event type, as producers must write it and consumers receive it. */
export function eventFixture<P = Record<string, unknown>>(eventType: string): EventEnvelope<P> {
  return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', `${eventType}.json`), 'utf8'));
}
