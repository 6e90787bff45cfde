// The OpenAPI 3.1 document, generated from the route declarations of the registry: the zod schemas
// that validate requests become the parameter and body schemas, the response schemas the responses.
import { z } from 'zod';
import type { ApiRegistry, ApiRoute } from './registry.js';
import { errorBody } from './schemas.js';

type JsonSchema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function operation(route: ApiRoute<any, any>) {
  const parameters: JsonSchema[] = (route.pathParams ?? []).map((p) => ({ name: p.name, in: 'path', required: true, description: p.description, example: p.example, schema: { type: 'string' } }));
  if (route.query) {
    const q = jsonSchema(route.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      const { description, ...rest } = schema;
      parameters.push({ name, in: 'query', required: q.required?.includes(name) ?? false, ...(description ? { description } : {}), schema: rest });
    }
  }
  const ok = route.response
    ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } }
    : { description: 'OK', content: { [route.produces ?? 'text/plain']: { schema: { type: 'string' } } } };
  const responses: Record<string, unknown> = { 200: ok, 400: errorResponse('A parameter is missing or out of range; `error` says which.') };
  if (route.auth) responses[401] = errorResponse('No valid personal API token.');
  if (route.pathParams?.length) responses[404] = errorResponse('Unknown id.');
  responses[429] = { ...errorResponse('Rate limit reached; retry after the number of seconds in Retry-After.'), headers: { 'Retry-After': { schema: { type: 'integer' } } } };
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    ...(parameters.length ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
    responses,
    ...(route.auth ? { security: [{ apiToken: [] }] } : {}),
  };
}

export function openApiDocument(registry: ApiRegistry, baseUrl: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of registry.routes) {
    paths[route.path] ??= {};
    paths[route.path][route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'paperboy API',
      version: '1',
      description:
        'Research papers: daily lists, trending, search, discussion. The Hugging Face compatible endpoints answer the shapes of huggingface.co/api so existing clients work with a changed base URL; /api/v1 is paperboy\'s own API. Errors are `{"error": "..."}` with the HTTP status. Lists page with `page` (from 0; HF endpoints: `p`) and `limit`; v1 lists return `next`, the URL of the following page, or null. GET endpoints are open to any origin (CORS). Rate limits: per IP, and per token for token-authenticated calls; a 429 carries Retry-After. Feeds (RSS, Atom, JSON Feed) are listed at /feeds.',
    },
    servers: [{ url: baseUrl }],
    paths,
    components: {
      schemas: { Error: jsonSchema(errorBody, 'output') },
      securitySchemes: { apiToken: { type: 'http', scheme: 'bearer', description: 'A personal API token from /settings/tokens (shown once when created).' } },
    },
  };
}
