import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { ALL_EVENTS } from '../registry';
import { ALL_TOPICS } from '../topics';
import { asyncApiDocument } from './asyncapi';
import { SUBSCRIPTIONS } from './subscriptions';
import { DOCS_DIR, renderedDocs } from './write-docs';

type Doc = {
  channels: Record<string, { messages: Record<string, unknown> }>;
  components: { messages: Record<string, unknown>; schemas: Record<string, unknown> };
  operations: Record<string, { action: string }>;
};

describe('the AsyncAPI document', () => {
  const doc = asyncApiDocument() as unknown as Doc;

  it('passes the official AsyncAPI parser with no errors', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
    const errors = diagnostics.filter((d) => d.severity === 0);
    expect(errors.map((e) => `${e.path.join('.')}: ${e.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
  });

  it('lists exactly the topics and events of libs/events, each event on its own topic', () => {
    expect(Object.keys(doc.channels).sort()).toEqual([...ALL_TOPICS].sort());
    expect(Object.keys(doc.components.messages).sort()).toEqual(ALL_EVENTS.map((d) => d.type).sort());
    for (const def of ALL_EVENTS) expect(Object.keys(doc.channels[def.topic].messages)).toContain(def.type);
  });

  it('describes every payload, and only event classes', () => {
    for (const def of ALL_EVENTS) expect(doc.components.schemas).toHaveProperty(def.payload.name);
    expect(Object.keys(doc.components.schemas).every((name) => /Payload$|Line$|Details$/.test(name))).toBe(true);
  });

  it('has a send operation per event and a receive operation per subscription', () => {
    const actions = Object.values(doc.operations).map((o) => o.action);
    const subscriptions = Object.values(SUBSCRIPTIONS).flat().length;
    expect(actions.filter((a) => a === 'send')).toHaveLength(ALL_EVENTS.length);
    expect(actions.filter((a) => a === 'receive')).toHaveLength(subscriptions);
    expect(Object.keys(SUBSCRIPTIONS).every((type) => ALL_EVENTS.some((d) => d.type === type))).toBe(true);
  });

  it('is committed as generated (run `npm run docs:events` after changing an event)', () => {
    for (const { file, content } of renderedDocs()) expect([file, readFileSync(join(DOCS_DIR, file), 'utf8')]).toEqual([file, content]);
  });
});
