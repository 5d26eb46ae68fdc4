import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from './app-deps';
import { AppError } from './errors';
import { assertScope, type Principal } from './principal';

// A capability's routes: a function of the app's dependencies returning a Fastify plugin, so
// nothing hangs on the Fastify instance.
export type RoutePlugin = (deps: AppDeps) => FastifyPluginAsyncTypebox;

export function principalOf(request: FastifyRequest, scope: string): Principal {
  return assertScope(request.principal, scope);
}

export function idempotencyKeyOf(request: FastifyRequest, required: boolean): string | undefined {
  const raw = request.headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined || key === '') {
    if (!required) return undefined;
    throw new AppError(
      'validation_failed',
      'This operation needs an Idempotency-Key header so that a retry cannot apply it twice.',
      [{ field: 'headers.idempotency-key', message: 'is required' }],
    );
  }
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(key)) {
    throw new AppError(
      'validation_failed',
      'The Idempotency-Key header must match ^[A-Za-z0-9._:-]{1,128}$.',
      [{ field: 'headers.idempotency-key', message: 'must match ^[A-Za-z0-9._:-]{1,128}$' }],
    );
  }
  return key;
}
