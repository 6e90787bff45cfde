// Declares an API route once: its parameters, body and response as zod schemas. The same declaration
// validates the request (a clear 400 naming the parameter), registers the Fastify route with the
// per-token rate limit, and feeds the OpenAPI document (src/api/openapi.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { type AppError, badRequest } from '../errors.js';
import { hashToken } from '../signing.js';
import type { User } from '../store/users.js';
import { bearerToken, requireApiUser } from './auth.js';
import { TokenLimiter } from './token-limit.js';

export interface PathParam {
  name: string;
  description: string;
  example: string;
}

export interface ApiRoute<Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST';
  /** Fastify route URL(s). */
  url: string | string[];
  /** The path as OpenAPI writes it, e.g. /api/papers/{id}. */
  path: string;
  pathParams?: PathParam[];
  summary: string;
  description?: string;
  tag: string;
  query?: Q;
  body?: B;
  /** JSON response schema; omitted for non-JSON responses (then `produces` names the type). */
  response?: z.ZodType;
  produces?: string;
  /** Needs a personal API token (Authorization: Bearer). */
  auth?: boolean;
  /** `user` is set when `auth` is: the token's member, checked before the parameters. */
  handler: (input: { query: z.output<Q>; body: z.output<B>; user: User; request: FastifyRequest; reply: FastifyReply }) => Promise<unknown>;
}

/** The first validation problem as one readable sentence. */
export function problemOf(error: z.ZodError, input?: unknown): string {
  const issue = error.issues[0];
  if (!issue) return 'Invalid request.';
  const where = issue.path.length ? issue.path.join('.') : '';
  const given = issue.path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<PropertyKey, unknown>)[k] : undefined), input);
  if (issue.code === 'invalid_type' && given === undefined && where) return `${where} is required`;
  return where && !issue.message.startsWith(where) ? `${where}: ${issue.message}` : issue.message;
}

export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw badRequest(problemOf(result.error, value));
  return result.data;
}

export class ApiRegistry {
  readonly routes: ApiRoute<any, any>[] = [];

  private readonly tokenLimiter: TokenLimiter;

  constructor(private readonly ctx: AppContext) {
    this.tokenLimiter = new TokenLimiter(ctx.config.PAPERBOY_API_TOKEN_RATE_LIMIT_PER_MIN, ctx.clock);
  }

  /** Counts a request that carries a token against that token's budget (the per-IP limit runs for all). */
  private limitToken(request: FastifyRequest, reply: FastifyReply): void {
    const token = bearerToken(request);
    if (!token) return;
    try {
      this.tokenLimiter.take(hashToken(token));
    } catch (err) {
      const retryAfter = (err as AppError).details?.retryAfter;
      if (retryAfter) reply.header('Retry-After', String(retryAfter));
      throw err;
    }
  }


  add<Q extends z.ZodType, B extends z.ZodType>(app: FastifyInstance, route: ApiRoute<Q, B>): void {
    this.routes.push(route);
    const urls = Array.isArray(route.url) ? route.url : [route.url];
    for (const url of urls) {
      const run = async (request: FastifyRequest, reply: FastifyReply) => {
        this.limitToken(request, reply);
        const user = route.auth ? await requireApiUser(this.ctx, request) : (undefined as unknown as User);
        const query = route.query ? parseOrThrow(route.query, request.query) : ({} as z.output<Q>);
        const body = route.body ? parseOrThrow(route.body, request.body) : ({} as z.output<B>);
        if (route.method === 'GET') reply.header('Access-Control-Allow-Origin', '*');
        const result = await route.handler({ query, body, user, request, reply });
        if (result === reply) return reply;
        return reply.type('application/json; charset=utf-8').send(result);
      };
      app.route({
        method: route.method,
        url,
        // Token-authenticated POSTs carry no cookie-bound CSRF token; the bearer token is the proof.
        ...(route.method === 'POST' ? { config: { csrf: false } } : {}),
        // The API never looks at the browser session (a token is the only credential), so it answers
        // in preValidation: after the per-IP rate limit (onRequest), before the session hook (preHandler).
        // Its responses then set no cookie, which shared caches must not store with public bodies.
        preValidation: run,
        handler: run,
      });
    }
  }
}
