import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../../platform/app-deps';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import { hasScope } from '../../platform/principal';
import { idempotencyKeyOf, principalOf, type RoutePlugin } from '../../platform/route-plugin';
import { errorResponses, IsoDateTime } from '../../platform/schemas';
import { normalizePhone } from '../members/identifiers';
import { findTenantRegion } from '../members/members.service';
import { createLogSmsSender, type SmsSender } from './sms-sender';
import { sendVerification, verifyOtp } from './verifications.service';

const PhoneBody = Type.Object({
  phone: Type.String({ minLength: 3, maxLength: 40, description: 'Any common format; normalized to E.164' }),
});

/** Tills identify members by phone while selling: receipts:write is enough to send a code. */
function principalForCodes(request: Parameters<typeof principalOf>[0]) {
  const p = request.principal;
  return p && hasScope(p, 'receipts:write') ? p : principalOf(request, 'members:write');
}

async function phoneOrThrow(deps: AppDeps, tenantId: string, raw: string): Promise<string> {
  const phone = normalizePhone(raw, await findTenantRegion(deps.db, tenantId));
  if (!phone) {
    throw new AppError('validation_failed', `'${raw}' is not a valid phone number.`, [
      { field: 'body.phone', message: 'is not a valid phone number' },
    ]);
  }
  return phone;
}

/** The SMS sender is pluggable; by default codes go to the server log (development). */
export function createVerificationRoutes(
  senderFor: (deps: AppDeps, log: Logger) => SmsSender = (_deps, log) => createLogSmsSender(log),
): RoutePlugin {
  return (deps) => async (app) => {
    const sender = senderFor(deps, app.log as Logger);

    app.post(
      '/verifications',
      {
        schema: {
          tags: ['members'],
          summary: 'Send a one-time code to a phone',
          description:
            'Sends a 6-digit code by SMS through the configured sender (in development it is written to the server ' +
            'log). The code is valid for 5 minutes and 5 wrong attempts; a receipt carries it as ' +
            '`member: { phone, otp }` to spend points. Within its 5 minutes it can be used again (calculate, then ' +
            'confirm). Only the latest code of a phone counts. One code per phone per 30 seconds (else 429 ' +
            '`rate_limited` with `details.retryAfterSeconds`).',
          body: PhoneBody,
          response: {
            202: Type.Object({ verificationId: Type.String(), expiresAt: IsoDateTime() }),
            ...errorResponses,
            429: errorResponses[400],
          },
        },
      },
      async (request, reply) => {
        const p = principalForCodes(request);
        const phone = await phoneOrThrow(deps, p.tenantId, request.body.phone);
        try {
          const v = await sendVerification(deps.db, {
            tenantId: p.tenantId,
            phone,
            now: deps.now(),
            sender,
            idempotencyKey: idempotencyKeyOf(request, false),
          });
          return reply
            .status(202)
            .send({ verificationId: v.verificationId, expiresAt: v.expiresAt.toISOString() });
        } catch (err) {
          if (err instanceof AppError && err.code === 'rate_limited') {
            reply.header(
              'retry-after',
              String((err.details as { retryAfterSeconds: number }).retryAfterSeconds),
            );
          }
          throw err;
        }
      },
    );

    app.post(
      '/verifications/check',
      {
        schema: {
          tags: ['members'],
          summary: 'Check a one-time code without a receipt',
          description:
            'For web shops and the member cabinet. A wrong code counts as an attempt. `status`: ok, invalid, ' +
            'expired, locked (5 wrong attempts) or none (no code was sent to this phone).',
          body: Type.Object({
            phone: PhoneBody.properties.phone,
            otp: Type.String({ minLength: 1, maxLength: 12 }),
          }),
          response: {
            200: Type.Object({
              valid: Type.Boolean(),
              status: Type.Union(['ok', 'invalid', 'expired', 'locked', 'none'].map((s) => Type.Literal(s))),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const p = principalForCodes(request);
        const phone = await phoneOrThrow(deps, p.tenantId, request.body.phone);
        const status = await verifyOtp(deps.db, p.tenantId, phone, request.body.otp, deps.now());
        return { valid: status === 'ok', status };
      },
    );
  };
}

export const verificationRoutes = createVerificationRoutes();
