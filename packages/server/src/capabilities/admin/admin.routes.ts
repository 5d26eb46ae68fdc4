import { Type } from '@sinclair/typebox';
import { principalOf, type RoutePlugin } from '../../platform/route-plugin';
import { errorResponses, IsoDateTime } from '../../platform/schemas';
import { actorOf, recordAudit } from '../audit/audit.service';

export const adminRoutes: RoutePlugin = (deps) => async (app) => {
  app.post(
    '/admin/jobs/run',
    {
      schema: {
        tags: ['admin'],
        summary: 'Run every scheduled job that is due at the given instant (default: now)',
        description:
          'Activation of pending points, expiry, expiry warnings, tier re-evaluation… Each job is idempotent, so running it twice for one instant changes nothing the second time.',
        body: Type.Optional(
          Type.Object({ at: Type.Optional(IsoDateTime('The instant to run the jobs for')) }),
        ),
        response: {
          200: Type.Object({
            ran: Type.Array(Type.Object({ job: Type.String(), processed: Type.Integer() })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request, 'admin');
      const at = request.body?.at ? new Date(request.body.at) : deps.now();
      const ran = await deps.jobs.runAll(at);
      await recordAudit(deps.db, {
        tenantId: p.tenantId,
        actor: actorOf(p),
        action: 'jobs.run',
        details: { at: at.toISOString(), ran },
        requestId: request.id,
      });
      return { ran };
    },
  );
};
