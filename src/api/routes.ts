// Routes of the JSON API: HF-compatible endpoints and /api/v1.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

export default async function routes(_app: FastifyInstance, _ctx: AppContext): Promise<void> {}
