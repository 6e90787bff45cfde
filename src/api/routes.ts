// Routes of the JSON API: the HF-compatible endpoints, /api/v1, the OpenAPI document and its docs
// page, CORS preflight, the member's subscription, and the token settings page.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { layout } from '../web/views/layout.js';
import { docsBody } from './docs-page.js';
import { registerHf } from './hf.js';
import { openApiDocument } from './openapi.js';
import { ApiRegistry } from './registry.js';
import { registerTokenSettings } from './settings-tokens.js';
import { registerSubscription } from './subscription.js';
import { registerV1 } from './v1.js';

export default async function routes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = new ApiRegistry(ctx);
  registerHf(app, ctx, api);
  registerV1(app, ctx, api);
  registerSubscription(app, ctx, api);
  registerTokenSettings(app, ctx);

  const doc = openApiDocument(api, ctx.config.baseUrl);
  const docJson = JSON.stringify(doc);
  app.get('/api/openapi.json', async (_request, reply) =>
    reply.header('Access-Control-Allow-Origin', '*').header('Cache-Control', 'public, max-age=3600').type('application/json; charset=utf-8').send(docJson),
  );
  app.get('/api/docs', async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(layout({ title: 'API', description: 'The paperboy JSON API', body: docsBody(doc), viewer: request.viewer, csrf: request.csrfToken })),
  );

  // CORS is open for reading only: the preflight allows GET from any origin, nothing else.
  app.options('/api/*', async (_request, reply) =>
    reply
      .code(204)
      .header('Access-Control-Allow-Origin', '*')
      .header('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS')
      .header('Access-Control-Allow-Headers', 'If-None-Match, If-Modified-Since')
      .header('Access-Control-Max-Age', '86400')
      .send(),
  );
}
