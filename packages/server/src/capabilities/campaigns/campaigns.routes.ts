import { Type } from '@sinclair/typebox';
import { inTransaction } from '../../platform/db';
import { principalOf, type RoutePlugin } from '../../platform/route-plugin';
import { errorResponses } from '../../platform/schemas';
import {
  createCampaign,
  deleteCampaign,
  getCampaignOrThrow,
  listCampaigns,
  listCampaignVersions,
  updateCampaign,
} from './campaign-admin.service';
import { invalidateCampaignCache } from './campaign-catalog';
import { simulateCampaign } from './campaign-simulation.service';
import {
  CampaignBody,
  CampaignListQuery,
  CampaignParams,
  CampaignPatchBody,
  CampaignVersionView,
  CampaignView,
  SimulationView,
} from './campaigns.schemas';

export const campaignRoutes: RoutePlugin = (deps) => async (app) => {
  app.post(
    '/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Create a campaign',
        description:
          'Contract v1 shape { name, status, startsAt, endsAt, priority, conditions, effect } plus optional audience, scope, stacking and limits. Every field is validated and every mistake reported in details. New campaigns are draft unless status says otherwise; the change is audited and versioned.',
        body: CampaignBody,
        response: { 201: CampaignView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'campaigns:write');
      const view = await inTransaction(deps.db, (trx) =>
        createCampaign(trx, p, request.body as Record<string, unknown>, {
          now: deps.now(),
          requestId: request.id,
        }),
      );
      invalidateCampaignCache(p.tenantId);
      return reply.status(201).send(view);
    },
  );

  app.get(
    '/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'List campaigns, newest first; filter by status',
        querystring: CampaignListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(CampaignView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request, 'campaigns:read');
      return listCampaigns(deps.db, p.tenantId, { ...request.query, limit: request.query.limit ?? 50 });
    },
  );

  app.get(
    '/campaigns/:campaignId',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'A campaign with what it has cost so far',
        params: CampaignParams,
        response: { 200: CampaignView, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'campaigns:read');
      return getCampaignOrThrow(deps.db, p.tenantId, request.params.campaignId);
    },
  );

  app.patch(
    '/campaigns/:campaignId',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Change a campaign (also to activate, pause or end it)',
        description:
          'Fields given replace the stored ones; conditions, audience, scope, stacking and limits merge field by field (null clears a group); effect is replaced whole. The result is validated again and becomes a new version valid from now: receipts that occurred earlier (offline tills) keep the campaign as it was.',
        params: CampaignParams,
        body: CampaignPatchBody,
        response: { 200: CampaignView, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'campaigns:write');
      const view = await inTransaction(deps.db, (trx) =>
        updateCampaign(trx, p, request.params.campaignId, request.body as Record<string, unknown>, {
          now: deps.now(),
          requestId: request.id,
        }),
      );
      invalidateCampaignCache(p.tenantId);
      return view;
    },
  );

  app.delete(
    '/campaigns/:campaignId',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Delete a campaign',
        description:
          'It stops applying from now and disappears from lists; its history, counters and the receipts it changed are kept.',
        params: CampaignParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'campaigns:write');
      await inTransaction(deps.db, (trx) =>
        deleteCampaign(trx, p, request.params.campaignId, { now: deps.now(), requestId: request.id }),
      );
      invalidateCampaignCache(p.tenantId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/campaigns/:campaignId/simulation',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Simulate a campaign (a draft, say) on the receipts of the last N days: reach and cost',
        description:
          'Replays the confirmed receipts of the window in order, with the campaigns that were in force then plus this one as if active, and reports the receipts and members it would have reached and the extra discount and points it would have given (limits and budgets counted; tiers and points payments left out, so the discount is an upper bound). Writes nothing. At most 50,000 receipts, newest first.',
        params: CampaignParams,
        body: Type.Object({
          days: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 366,
              default: 30,
              description: 'How many days back from now',
            }),
          ),
        }),
        response: { 200: SimulationView, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'campaigns:read');
      return simulateCampaign(deps.db, p.tenantId, request.params.campaignId, {
        days: request.body.days ?? 30,
        now: deps.now(),
      });
    },
  );

  app.get(
    '/campaigns/:campaignId/versions',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Versions of a campaign, newest first (its status history)',
        params: CampaignParams,
        response: {
          200: Type.Object({ items: Type.Array(CampaignVersionView), nextCursor: Type.Null() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request, 'campaigns:read');
      return {
        items: await listCampaignVersions(deps.db, p.tenantId, request.params.campaignId),
        nextCursor: null,
      };
    },
  );
};
