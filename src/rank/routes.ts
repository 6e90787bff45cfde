// Routes of the trending page and the published formula.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

export default async function routes(_app: FastifyInstance, _ctx: AppContext): Promise<void> {}
