import { Type } from '@sinclair/typebox';
import { idempotencyKeyOf, principalOf, type RoutePlugin } from '../../platform/route-plugin';
import { errorResponses, Id } from '../../platform/schemas';
import { MemberIdParams, MemberSchema } from './members.schemas';
import { mergeMembers } from './merge-members.service';
import { writeContextOf } from './write-context';

const Count = (description: string) => Type.Integer({ minimum: 0, description });

const MergeResultSchema = Type.Object({
  member: MemberSchema,
  merged: Type.Object({
    duplicateMemberId: Type.String(),
    pointsMoved: Type.Record(Type.String(), Type.Integer(), {
      description:
        'Per ledger currency, the net points that moved (available + pending − debt); `points` is the redeemable one',
    }),
    lotsMoved: Count('Lots with points left that moved, each keeping its activation and expiry dates'),
    receiptsMoved: Count('Receipts now belonging to the survivor (refunds of them return points to it)'),
    cardsMoved: Count('Cards of any status re-bound to the survivor'),
    consentsMoved: Count("Consent records (grants and withdrawals) moved to the survivor's history"),
    notesMoved: Count('Staff notes moved'),
    fieldsTaken: Type.Array(Type.String(), {
      description:
        'Profile fields the survivor lacked and took from the duplicate (phone, email, externalId, names, birthDate)',
    }),
    tierCode: Type.Union([Type.String(), Type.Null()], {
      description: 'The tier the survivor keeps (the higher)',
    }),
    householdId: Type.Union([Type.String(), Type.Null()], {
      description: "The survivor's household afterwards",
    }),
  }),
});

export const memberMergeRoutes: RoutePlugin = (deps) => async (app) => {
  app.post(
    '/members/:memberId/merge',
    {
      schema: {
        tags: ['members'],
        summary: 'Merge a duplicate member into this one',
        description:
          'The member in the path survives. In one transaction the duplicate hands over its points in every ledger ' +
          'currency (lots keep their activation and expiry dates; moved by postings, never by rewriting balances; its ' +
          'open reservations are released), receipts (refunds of old receipts return points to the survivor), cards, ' +
          'consents (history kept; the newest decision per channel and purpose wins), notes, tags (union), custom ' +
          "attributes (survivor's value wins), the higher tier, campaign progress, paid membership and household " +
          'seat. Per-member campaign limits add up (an offer the duplicate used counts as used by the survivor). ' +
          'Profile fields the survivor lacks are taken from the duplicate. The duplicate becomes `merged` ' +
          '(final): its phone, email, externalId and QR code are released, it can no longer earn, spend or sign in, ' +
          '`GET /v1/members/{id}` answers it with `mergedInto`, and a receipt sent with its id goes to the survivor ' +
          '(also one confirmed while the merge ran). ' +
          'Repeating the merge (same key, or the same pair again) answers the same; merging into another member is ' +
          '409. Refused with 409: an erased member, both members in households, both with a live paid membership. ' +
          'A member cannot be merged into itself (422).',
        params: MemberIdParams,
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: Type.Object({ duplicateMemberId: Id('The duplicate to merge into the member in the path') }),
        response: { 200: MergeResultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:write');
      return mergeMembers(
        deps.db,
        writeContextOf(request, p, deps),
        request.params.memberId,
        request.body.duplicateMemberId,
        idempotencyKeyOf(request, false),
      );
    },
  );
};
