import { PassThrough } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { principalOf, type RoutePlugin } from '../../platform/route-plugin';
import { actorOf, recordAudit } from '../audit/audit.service';
import { BALANCE_EXPORT_COLUMNS, exportBalances } from './export-balances.service';
import { BALANCE_CURRENCIES } from './import-balances.service';

export const exportBalancesRoutes: RoutePlugin = (deps) => async (app) => {
  app.get(
    '/exports/balances.csv',
    {
      schema: {
        tags: ['members'],
        summary: "Every member's points balances as CSV (streamed)",
        description:
          `text/csv with a header line \`${BALANCE_EXPORT_COLUMNS.join(',')}\`: one line per member and currency ` +
          'the member has points accounts in (members who never had points are left out), in member id order. ' +
          'Figures as GET /v1/members/{memberId}/balance at the time of the request; nextExpiresAt and ' +
          'nextExpiringPoints are the soonest expiry of available points (empty when none expire). ' +
          'Needs members:read and ledger:read; the export is audited. Same as `kopilka export balances`.',
        querystring: Type.Object({
          currency: Type.Optional(
            Type.Union(
              BALANCE_CURRENCIES.map((c) => Type.Literal(c)),
              { description: 'Only this currency (default: all)' },
            ),
          ),
        }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'members:read');
      principalOf(request, 'ledger:read');
      const now = deps.now();
      await recordAudit(deps.db, {
        tenantId: p.tenantId,
        actor: actorOf(p),
        action: 'balances.exported',
        targetType: 'export',
        targetId: 'balances.csv',
        details: { currency: request.query.currency ?? null },
        requestId: request.id,
      });
      const out = new PassThrough();
      // The body streams while pages are read; an error half-way can only cut the response short.
      exportBalances(deps.db, p.tenantId, out, { now, currency: request.query.currency }).catch((err) => {
        request.log.error({ err }, 'balance export failed');
        out.destroy(err as Error);
      });
      const day = now.toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="balances-${day}.csv"`)
        .send(out);
    },
  );
};
