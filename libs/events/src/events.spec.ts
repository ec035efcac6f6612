import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { eventFixture } from '../testing/fixtures';
import { decodeEnvelope, decodeEvent, EventDecodeError } from './decode';
import { ALL_EVENTS, eventDefinition } from './registry';
import { ALL_TOPICS, deadLetterTopic, Topics } from './topics';
import { OrderPlaced } from './order/order-placed.event';

const asBuffer = (v: unknown) => Buffer.from(JSON.stringify(v));

function decodeError(fn: () => unknown): EventDecodeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EventDecodeError) return e;
    throw e;
  }
  throw new Error('expected an EventDecodeError');
}

describe('the event contract', () => {
  it('has exactly one fixture per event type', () => {
    const fixtures = readdirSync(join(__dirname, '..', 'fixtures')).map((f) => f.replace(/\.json$/, ''));
    expect(fixtures.sort()).toEqual(ALL_EVENTS.map((d) => d.type).sort());
  });

  it.each(ALL_EVENTS.map((d) => [d.type, d] as const))('%s: its fixture decodes and matches its definition', (_t, def) => {
    const fixture = eventFixture(def.type);
    const event = decodeEvent(def, decodeEnvelope(asBuffer(fixture)));
    expect(event.eventType).toBe(def.type);
    expect(event.producer).toBe(def.producer);
    expect(event.aggregateType).toBe(def.aggregateType);
    const payload = event.payload as unknown as Record<string, string>;
    expect(event.aggregateId).toBe(payload[def.aggregateIdField]);
    expect(event.orderId).toBe(def.orderIdField ? payload[def.orderIdField] : undefined);
    expect(ALL_TOPICS).toContain(def.topic);
  });

  it('keys every saga event by the order id, as DESIGN.md says', () => {
    const sagaTopics: string[] = [Topics.Order, Topics.Payment, Topics.Store, Topics.Delivery];
    for (const def of ALL_EVENTS.filter((d) => sagaTopics.includes(d.topic))) {
      expect([def.type, def.keyField]).toEqual([def.type, 'orderId']);
    }
  });

  it('names dead-letter topics after the source topic and the group', () => {
    expect(deadLetterTopic('order.events.v1', 'payment')).toBe('order.events.v1.payment.dlq');
  });

  it('finds definitions by type and not unknown ones', () => {
    expect(eventDefinition('OrderPlaced')).toBe(OrderPlaced);
    expect(eventDefinition('OrderTeleported')).toBeUndefined();
  });
});

describe('decoding a message', () => {
  const good = eventFixture('OrderPlaced');

  it('returns the typed event, nested payload fields and all', () => {
    const event = decodeEvent(OrderPlaced, decodeEnvelope(asBuffer(good)));
    expect(event.payload.items[0].quantity).toBe(1);
    expect(event.payload.payment.cardToken).toBe('tok_visa');
  });

  it('rejects an empty value', () => {
    expect(decodeError(() => decodeEnvelope(null)).code).toBe('EMPTY_VALUE');
  });

  it('rejects bad JSON', () => {
    expect(decodeError(() => decodeEnvelope(Buffer.from('{"eventId":'))).code).toBe('INVALID_JSON');
  });

  it('rejects a JSON value that is not an object', () => {
    expect(decodeError(() => decodeEnvelope(asBuffer([1, 2]))).code).toBe('INVALID_ENVELOPE');
  });

  it('lists every envelope field that is wrong', () => {
    const e = decodeError(() => decodeEnvelope(asBuffer({ ...good, eventId: 'nope', occurredAt: 'yesterday' })));
    expect(e.code).toBe('INVALID_ENVELOPE');
    expect(e.details.join()).toMatch(/eventId/);
    expect(e.details.join()).toMatch(/occurredAt/);
  });

  it('names the nested payload field that is wrong', () => {
    const bad = { ...good, payload: { ...good.payload, items: [{ productId: 'x', name: 'A', unitPrice: 1, quantity: 0 }] } };
    const e = decodeError(() => decodeEvent(OrderPlaced, decodeEnvelope(asBuffer(bad))));
    expect(e.code).toBe('INVALID_PAYLOAD');
    expect(e.details).toEqual(
      expect.arrayContaining([expect.stringMatching(/^payload\.items\.0\.productId/), expect.stringMatching(/^payload\.items\.0\.quantity/)]),
    );
  });

  it('rejects a version this consumer does not read', () => {
    const e = decodeError(() => decodeEvent(OrderPlaced, decodeEnvelope(asBuffer({ ...good, eventVersion: 2 }))));
    expect(e.code).toBe('UNSUPPORTED_VERSION');
  });

  it('tolerates payload fields it does not know (tolerant reader)', () => {
    const newer = { ...good, payload: { ...good.payload, giftWrap: true } };
    expect(() => decodeEvent(OrderPlaced, decodeEnvelope(asBuffer(newer)))).not.toThrow();
  });
});
