import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/app-deps';
import type { Principal } from '../../platform/principal';
import { actorOf } from '../audit/audit.service';
import type { ConsentSource } from '../consents/consents.table';
import type { WriteContext } from './members.service';

export function writeContextOf(request: FastifyRequest, p: Principal, deps: AppDeps): WriteContext {
  return { tenantId: p.tenantId, actor: actorOf(p), requestId: request.id, now: deps.now() };
}

/** Staff in the console sign people up at a desk; API keys are tills, shops and integrations. */
export function consentSourceOf(p: Principal): ConsentSource {
  return p.actorType === 'staff' ? 'console' : 'api';
}

/**
 * For POST routes whose body is optional (`/block`, `/replace`): a request without a body is
 * validated as `{}` instead of failing "body must be object".
 */
export async function defaultEmptyBody(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}
