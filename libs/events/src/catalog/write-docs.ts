/** `npm run docs:events`: writes docs/asyncapi.json and docs/event-catalog.md from the contracts in libs/events. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiDocument, eventCatalogMarkdown } from './asyncapi';

export const DOCS_DIR = join(__dirname, '..', '..', '..', '..', 'docs');

export function renderedDocs(): { file: string; content: string }[] {
  return [
    { file: 'asyncapi.json', content: `${JSON.stringify(asyncApiDocument(), null, 2)}\n` },
    { file: 'event-catalog.md', content: eventCatalogMarkdown() },
  ];
}

if (require.main === module) {
  for (const { file, content } of renderedDocs()) {
    writeFileSync(join(DOCS_DIR, file), content);
    console.log(`wrote docs/${file}`);
  }
}
