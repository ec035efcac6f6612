// class-transformer exposes its metadata (which tells the element class of nested arrays) only by this path
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { EnvelopeHeaders } from '../envelope';
import type { EventDefinition } from '../event-definition';
import { ALL_EVENTS } from '../registry';
import { ALL_TOPICS } from '../topics';
import { SUBSCRIPTIONS } from './subscriptions';

type Json = { [key: string]: unknown };

const ENVELOPE_FIELDS: Json = {
  eventId: { type: 'string', format: 'uuid', description: 'The deduplication key' },
  eventType: { type: 'string' },
  eventVersion: { type: 'integer', minimum: 1 },
  aggregateType: { type: 'string' },
  aggregateId: { type: 'string' },
  orderId: { type: 'string', format: 'uuid', description: "The saga's correlation key; absent on user and product events" },
  correlationId: { type: 'string', description: 'One id for a whole flow, from the HTTP request that started it' },
  causationId: { type: 'string', description: 'The eventId or request id that caused this event' },
  producer: { type: 'string' },
  occurredAt: { type: 'string', format: 'date-time' },
};

const operationId = (verb: string, def: EventDefinition, who: string) => `${who}${verb}${def.type}`;

/** The AsyncAPI 3.0 document of every topic and event, generated from the contracts in libs/events. */
export function asyncApiDocument(): Json {
  const schemas = eventSchemas();
  const messages: Json = {};
  const channels: Json = {};
  const operations: Json = {};

  for (const topic of ALL_TOPICS) {
    const events = ALL_EVENTS.filter((d) => d.topic === topic);
    channels[topic] = {
      address: topic,
      title: topic,
      description: `Events of the ${events[0]?.aggregateType ?? ''} aggregate of ${events[0]?.producer ?? ''}, keyed by ${events[0]?.keyField ?? ''}.`,
      messages: Object.fromEntries(events.map((d) => [d.type, { $ref: `#/components/messages/${d.type}` }])),
    };
  }

  for (const def of ALL_EVENTS) {
    messages[def.type] = {
      name: def.type,
      title: def.type,
      summary: def.description,
      contentType: 'application/json',
      headers: {
        type: 'object',
        properties: Object.fromEntries(Object.values(EnvelopeHeaders).map((h) => [h, { type: 'string' }])),
      },
      payload: {
        type: 'object',
        required: ['eventId', 'eventType', 'eventVersion', 'aggregateType', 'aggregateId', 'correlationId', 'causationId', 'producer', 'occurredAt', 'payload'],
        properties: {
          ...ENVELOPE_FIELDS,
          eventType: { type: 'string', const: def.type },
          eventVersion: { type: 'integer', const: def.version },
          aggregateType: { type: 'string', const: def.aggregateType },
          producer: { type: 'string', const: def.producer },
          payload: { $ref: `#/components/schemas/${def.payload.name}` },
        },
      },
      bindings: { kafka: { key: { type: 'string', description: `the ${def.keyField} of the payload` }, bindingVersion: '0.5.0' } },
    };
    operations[operationId('Publishes', def, def.producer)] = {
      action: 'send',
      channel: { $ref: `#/channels/${escapeRef(def.topic)}` },
      summary: `${def.producer} publishes ${def.type}`,
      messages: [{ $ref: `#/channels/${escapeRef(def.topic)}/messages/${def.type}` }],
    };
    for (const sub of SUBSCRIPTIONS[def.type] ?? []) {
      operations[operationId('Consumes', def, camel(sub.group))] = {
        action: 'receive',
        channel: { $ref: `#/channels/${escapeRef(def.topic)}` },
        summary: `${sub.group} ${sub.why}`,
        messages: [{ $ref: `#/channels/${escapeRef(def.topic)}/messages/${def.type}` }],
        bindings: { kafka: { groupId: { type: 'string', enum: [sub.group] }, bindingVersion: '0.5.0' } },
      };
    }
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Homestore events',
      version: '1.0.0',
      description:
        'Every topic and event of Homestore. Each message value is the JSON envelope; eventType, eventId, correlationId and ' +
        'traceparent are also headers. Dead letters of a consumer group go to `<topic>.<group>.dlq` with the original key, value and headers.',
    },
    defaultContentType: 'application/json',
    servers: { local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'npm start' } },
    channels,
    operations,
    components: { messages, schemas },
  };
}

/**
 * JSON schemas of the payload classes and the classes they nest, from their class-validator rules. Other classes
 * registered in the same process (an app's DTOs and config) are left out.
 */
function eventSchemas(): Json {
  const all = validationMetadatasToSchemas({ refPointerPrefix: '#/components/schemas/', classTransformerMetadataStorage: defaultMetadataStorage }) as Json;
  const wanted = new Set<string>();
  const visit = (name: string) => {
    if (wanted.has(name) || !all[name]) return;
    wanted.add(name);
    for (const [, ref] of JSON.stringify(all[name]).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) visit(ref);
  };
  ALL_EVENTS.forEach((d) => visit(d.payload.name));
  return Object.fromEntries([...wanted].sort().map((name) => [name, all[name]]));
}

/** JSON pointer escaping of a key: `/` becomes `~1`. Topic names have dots only, so they pass unchanged. */
function escapeRef(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function camel(group: string): string {
  return group.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
}

/** The event catalog: for each event, its producer, its consumers and why each consumes it. */
export function eventCatalogMarkdown(): string {
  const lines = [
    '# Event catalog',
    '',
    'Generated from libs/events (`npm run docs:events`); do not edit by hand. The machine-readable form is asyncapi.json.',
    '',
  ];
  for (const topic of ALL_TOPICS) {
    lines.push(`## \`${topic}\``, '');
    for (const def of ALL_EVENTS.filter((d) => d.topic === topic)) {
      lines.push(`### ${def.type} (v${def.version})`, '', def.description, '');
      lines.push(`- **Producer:** ${def.producer} (aggregate ${def.aggregateType}, key \`${def.keyField}\`)`);
      const subs = SUBSCRIPTIONS[def.type] ?? [];
      lines.push(subs.length ? '- **Consumers:**' : '- **Consumers:** none yet');
      for (const sub of subs) lines.push(`  - \`${sub.group}\`: ${sub.why}`);
      lines.push('');
    }
  }
  return lines.join('\n');
}
