import type { ConsumedMessage, RecordHeaders } from '../../driver/port';
import { decodeEvent, EnvelopeHeaders, EventDefinition, parseEnvelope, validateEnvelope } from '@homestore/events';
import type { EventHandlerRegistration } from '../event-context';
import type { Decoded } from './step';

/**
 * The decode step: a Kafka record as one consumer group sees it. Throws (an EventDecodeError) when the record can
 * never be handled: it belongs in the dead-letter topic.
 */
export class Decoder {
  private readonly handlers: Map<string, EventHandlerRegistration>;
  /** The contract's events on the group's topics that it does not handle. */
  private readonly othersOnTopics: Set<string>;

  constructor(
    private readonly group: string,
    handlers: EventHandlerRegistration[],
    contract: readonly EventDefinition[],
  ) {
    this.handlers = new Map(handlers.map((h) => [h.definition.type, h]));
    if (this.handlers.size !== handlers.length) throw new Error(`${group}: two handlers for one event type`);
    const topics = new Set(handlers.map((h) => h.definition.topic));
    this.othersOnTopics = new Set(contract.filter((d) => topics.has(d.topic) && !this.handlers.has(d.type)).map((d) => d.type));
  }

  /**
   * The record's handler and checked event, or no handler when its type is not the group's (skipped, its schema
   * unchecked: the groups that handle it check it).
   */
  decode(topic: string, partition: number, message: ConsumedMessage): Decoded {
    // The eventType header names another event of the contract on these topics: skipped without reading the value
    // (most of what the payment and message groups read from the store topic, say).
    const announced = header(message.headers, EnvelopeHeaders.eventType);
    if (announced !== undefined && this.othersOnTopics.has(announced)) return { topic, partition, message, labels: this.labels(topic, announced) };
    const json = parseEnvelope(message.value);
    const type = typeof json.eventType === 'string' ? json.eventType : undefined;
    const handler = type === undefined ? undefined : this.handlers.get(type);
    const labels = this.labels(topic, type ?? 'unknown');
    if (type !== undefined && !handler) return { topic, partition, message, labels };
    const envelope = validateEnvelope(json);
    return { topic, partition, message, labels, handler, event: decodeEvent(handler!.definition, envelope) };
  }

  /** The decodable records from `from` on (at most `max`), stopping before the first that is not. */
  decodeRun(topic: string, partition: number, messages: ConsumedMessage[], from: number, max: number): Decoded[] {
    const run: Decoded[] = [];
    for (let i = from; i < messages.length && run.length < max; i++) {
      try {
        run.push(this.decode(topic, partition, messages[i]));
      } catch {
        break;
      }
    }
    return run;
  }

  /** Labels of a record that cannot be decoded. */
  labelsOf(topic: string, message: ConsumedMessage) {
    return this.labels(topic, header(message.headers, EnvelopeHeaders.eventType) ?? 'unknown');
  }

  private labels(topic: string, eventType: string) {
    return { topic, event_type: eventType, group: this.group };
  }
}

/** A header's first value as a string (headers as the port reads them, or as a client gives them: several values each). */
export function header(headers: RecordHeaders | Record<string, string | Buffer | (string | Buffer)[] | undefined> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
