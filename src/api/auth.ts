// Who is calling a token-authenticated endpoint. Only a personal API token counts: a session cookie
// alone never authorises an API write, so a page on another site cannot make a signed-in browser act.
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { userByToken } from '../store/api-tokens.js';
import type { User } from '../store/users.js';

export async function requireApiUser(ctx: AppContext, request: FastifyRequest): Promise<User> {
  const token = bearerToken(request);
  if (!token) throw new AppError('unauthorized', 'This endpoint needs a personal API token: send "Authorization: Bearer <token>" (create one at /settings/tokens).');
  const user = await userByToken(ctx.store.db, 'api', token, ctx.clock.now().toISOString());
  if (!user) throw new AppError('unauthorized', 'This API token is not valid (it may have been revoked).');
  return user;
}

/** Reads the bearer token of a request, if one was sent. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1];
}
