import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { EnvelopeSchema, EventEnvelope } from './envelope';
import { surelyValid } from './quick-check';
import type { EventDefinition, PayloadOf } from './event-definition';

export type EventDecodeErrorCode =
  | 'EMPTY_VALUE'
  | 'INVALID_JSON'
  | 'INVALID_ENVELOPE'
  | 'UNEXPECTED_EVENT_TYPE'
  | 'UNSUPPORTED_VERSION'
  | 'INVALID_PAYLOAD';

/** A message that can never become a valid event, whatever the retries: it belongs in a dead-letter topic. */
export class EventDecodeError extends Error {
  readonly permanent = true;
  constructor(
    readonly code: EventDecodeErrorCode,
    readonly details: string[] = [],
  ) {
    super(details.length ? `${code}: ${details.join('; ')}` : code);
    this.name = 'EventDecodeError';
  }
}

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix + e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return [...own, ...describe(e.children ?? [], `${path}.`)];
  });
}

/** Parses and validates the envelope of a raw message value; the payload is checked by decodeEvent. */
export function decodeEnvelope(value: Buffer | string | null | undefined): EventEnvelope<Record<string, unknown>> {
  return validateEnvelope(parseEnvelope(value));
}

/**
 * Parses a raw message value into a JSON object, unchecked (validateEnvelope checks it): enough to read its eventType
 * and skip an event a consumer does not handle without checking its schema.
 */
export function parseEnvelope(value: Buffer | string | null | undefined): Record<string, unknown> {
  if (value === null || value === undefined || value.length === 0) throw new EventDecodeError('EMPTY_VALUE');
  let json: unknown;
  try {
    json = JSON.parse(value.toString());
  } catch (e) {
    throw new EventDecodeError('INVALID_JSON', [(e as Error).message]);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new EventDecodeError('INVALID_ENVELOPE', ['value is not a JSON object']);
  }
  return json as Record<string, unknown>;
}

/** Checks a parsed value against the envelope's rules. */
export function validateEnvelope(json: Record<string, unknown>): EventEnvelope<Record<string, unknown>> {
  if (surelyValid(EnvelopeSchema, json)) return json as unknown as EventEnvelope<Record<string, unknown>>;
  const errors = validateSync(plainToInstance(EnvelopeSchema, json));
  if (errors.length) throw new EventDecodeError('INVALID_ENVELOPE', describe(errors));
  return json as unknown as EventEnvelope<Record<string, unknown>>;
}

/** Checks an envelope against one event's contract and returns it typed, with the payload validated. */
export function decodeEvent<D extends EventDefinition>(
  definition: D,
  envelope: EventEnvelope<Record<string, unknown>>,
): EventEnvelope<PayloadOf<D>> {
  if (envelope.eventType !== definition.type) {
    throw new EventDecodeError('UNEXPECTED_EVENT_TYPE', [`expected ${definition.type}, got ${envelope.eventType}`]);
  }
  if (envelope.eventVersion !== definition.version) {
    throw new EventDecodeError('UNSUPPORTED_VERSION', [
      `${definition.type} v${envelope.eventVersion} (this consumer reads v${definition.version})`,
    ]);
  }
  if (surelyValid(definition.payload, envelope.payload)) return envelope as EventEnvelope<PayloadOf<D>>;
  const payload = plainToInstance(definition.payload, envelope.payload);
  const errors = validateSync(payload as object);
  if (errors.length) throw new EventDecodeError('INVALID_PAYLOAD', describe(errors, 'payload.'));
  return { ...envelope, payload } as EventEnvelope<PayloadOf<D>>;
}
