import { Type } from '@sinclair/typebox';
import { idempotencyKeyOf, principalOf, type RoutePlugin } from '../../platform/route-plugin';
import { errorResponses, Id, IsoDateTime } from '../../platform/schemas';
import {
  addHouseholdMember,
  createHousehold,
  getHouseholdOrThrow,
  removeHouseholdMember,
} from './households.service';
import { writeContextOf } from './write-context';

const Role = Type.Union([Type.Literal('owner'), Type.Literal('member')]);
const HouseholdSchema = Type.Object({
  householdId: Type.String(),
  name: Type.String(),
  kind: Type.Union([Type.Literal('family'), Type.Literal('company')]),
  members: Type.Array(Type.Object({ memberId: Type.String(), role: Role, joinedAt: IsoDateTime() })),
  walletMemberId: Type.Union([Type.String(), Type.Null()], {
    description:
      "The member whose points accounts are the household's shared wallet (the owner's at creation)",
  }),
  createdAt: IsoDateTime(),
});
const HouseholdParams = Type.Object({ householdId: Id() });

export const householdRoutes: RoutePlugin = (deps) => async (app) => {
  app.post(
    '/households',
    {
      schema: {
        tags: ['members'],
        summary: 'Create a household or company account',
        description:
          'Groups members around one owner (the account holder, or the main contact of a company). A member belongs ' +
          'to at most one household (409 `conflict` with `details.householdId` otherwise). The household shares ONE ' +
          "points wallet, the owner's accounts (`walletMemberId`): every member's earning, spending, holds, refunds " +
          'and expiry go there, and every member sees the pooled balance.',
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 200 }),
          kind: Type.Optional(
            Type.Union([Type.Literal('family'), Type.Literal('company')], { default: 'family' }),
          ),
          ownerMemberId: Id('The member who owns the household'),
        }),
        response: { 201: HouseholdSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'members:write');
      const household = await createHousehold(
        deps.db,
        writeContextOf(request, p, deps),
        {
          name: request.body.name,
          kind: request.body.kind ?? 'family',
          ownerMemberId: request.body.ownerMemberId,
        },
        idempotencyKeyOf(request, false),
      );
      return reply.status(201).send(household);
    },
  );

  app.get(
    '/households/:householdId',
    {
      schema: {
        tags: ['members'],
        summary: 'Get a household with its members',
        params: HouseholdParams,
        response: { 200: HouseholdSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:read');
      return getHouseholdOrThrow(deps.db, p.tenantId, request.params.householdId);
    },
  );

  app.post(
    '/households/:householdId/members',
    {
      schema: {
        tags: ['members'],
        summary: 'Add a member to a household',
        description:
          "The member's points move into the household wallet by ledger postings (lots keep their activation and " +
          'expiry dates; open reservations of the member are released); from then on the member, found by any card, ' +
          'phone or QR code, earns and spends from the shared wallet.',
        params: HouseholdParams,
        body: Type.Object({ memberId: Id(), role: Type.Optional(Role) }),
        response: { 201: HouseholdSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'members:write');
      const household = await addHouseholdMember(
        deps.db,
        writeContextOf(request, p, deps),
        request.params.householdId,
        {
          memberId: request.body.memberId,
          role: request.body.role ?? 'member',
        },
      );
      return reply.status(201).send(household);
    },
  );

  app.delete(
    '/households/:householdId/members/:memberId',
    {
      schema: {
        tags: ['members'],
        summary: 'Remove a member from a household',
        description:
          'The owner can leave only as the last member. The points stay with the household: the member who leaves ' +
          'starts again with an empty wallet of their own (refunds of what they bought meanwhile still go to the ' +
          'household wallet, where those points are).',
        params: Type.Object({ householdId: Id(), memberId: Id() }),
        response: { 200: HouseholdSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:write');
      return removeHouseholdMember(
        deps.db,
        writeContextOf(request, p, deps),
        request.params.householdId,
        request.params.memberId,
      );
    },
  );
};
