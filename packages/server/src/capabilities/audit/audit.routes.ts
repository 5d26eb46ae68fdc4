import { principalOf, type RoutePlugin } from '../../platform/route-plugin';
import { decodeCursor, encodeCursor, ListQuery } from '../../platform/schemas';
import { listAudit } from './audit.service';

const isCursor = (v: unknown): v is number => Number.isSafeInteger(v);

export const auditRoutes: RoutePlugin = (deps) => async (app) => {
  app.get(
    '/audit-log',
    {
      schema: {
        tags: ['staff'],
        summary: 'Audit log of staff and API writes, newest first',
        querystring: ListQuery,
      },
    },
    async (request) => {
      const p = principalOf(request, 'audit:read');
      const limit = request.query.limit ?? 50;
      const rows = await listAudit(deps.db, p.tenantId, {
        limit,
        beforeId: decodeCursor(request.query.cursor, isCursor),
      });
      const page = rows.slice(0, limit);
      return {
        items: page.map((r) => ({
          id: String(r.id),
          at: r.at.toISOString(),
          actorType: r.actor_type,
          actorId: r.actor_id,
          action: r.action,
          targetType: r.target_type,
          targetId: r.target_id,
          details: r.details,
          requestId: r.request_id,
        })),
        nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]?.id) : null,
      };
    },
  );
};
