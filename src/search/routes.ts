// Routes of the search page and search API.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

export default async function routes(_app: FastifyInstance, _ctx: AppContext): Promise<void> {}
