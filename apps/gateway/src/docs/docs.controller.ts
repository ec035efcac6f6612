import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { dirname, join } from 'node:path';
import type { OpenAPIV3 } from 'openapi-types';
import { asyncApiDocument, eventCatalogMarkdown } from '@homestore/events';
import { openApiDocument } from './openapi';

/** The swagger-ui files the page loads; nothing else of that folder is served. */
const ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png', 'favicon-16x16.png']);
const ASSET_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Homestore API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>window.ui = SwaggerUIBundle({ url: '/docs/openapi.json', dom_id: '#swagger-ui', persistAuthorization: true });</script>
</body>
</html>
`;

/**
 * OpenAPI documentation of the public API: swagger UI at /docs, the document at /docs/openapi.json; the events
 * on the bus as AsyncAPI 3.0 at /docs/events and as a readable catalog at /docs/events/catalog.md.
 */
@Controller('docs')
export class DocsController {
  private readonly document = openApiDocument();
  private readonly eventsDocument = asyncApiDocument();
  private readonly catalog = eventCatalogMarkdown();

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }

  @Get('openapi.json')
  openApi(): OpenAPIV3.Document {
    return this.document;
  }

  @Get('events')
  events(): object {
    return this.eventsDocument;
  }

  @Get('events/catalog.md')
  @Header('Content-Type', 'text/markdown; charset=utf-8')
  eventCatalog(): string {
    return this.catalog;
  }

  @Get(':asset')
  asset(@Param('asset') asset: string, @Res() res: Response): void {
    if (!ASSETS.has(asset)) throw new NotFoundException(`No such file: /docs/${asset}`);
    res.sendFile(join(ASSET_DIR, asset), { maxAge: '1d' });
  }
}
