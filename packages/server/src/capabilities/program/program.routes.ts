import type { Program, ProgramPatch } from '@kopilka/domain/program';
import { Type } from '@sinclair/typebox';
import { principalOf, type RoutePlugin } from '../../platform/route-plugin';
import { errorResponses } from '../../platform/schemas';
import { ProgramPatchSchema, ProgramSchema } from './program.schemas';
import { getCurrentProgram, listProgramVersions, updateProgram } from './program.service';

// The API view copies the domain's readonly arrays into plain JSON arrays.
export function programView(p: Program) {
  return {
    ...p,
    earn: { ...p.earn, excludedCategories: [...p.earn.excludedCategories] },
    burn: { ...p.burn, excludedCategories: [...p.burn.excludedCategories] },
    refund: { ...p.refund },
    receipts: { ...p.receipts },
  };
}

export const programRoutes: RoutePlugin = (deps) => async (app) => {
  app.get(
    '/program',
    {
      schema: {
        tags: ['program'],
        summary: 'Program settings in force now',
        response: { 200: ProgramSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'program:read');
      return programView((await getCurrentProgram(deps.db, p.tenantId)).program);
    },
  );

  app.patch(
    '/program',
    {
      schema: {
        tags: ['program'],
        summary: 'Change program settings (deep merge); 200 with the whole program',
        description:
          'Creates a new version effective now; receipts that occurred earlier (offline tills) keep the rules of their time. Every field is validated: rates are decimal strings, percentages 0–100, known rounding modes, IANA time zones.',
        body: ProgramPatchSchema,
        response: { 200: ProgramSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'program:write');
      const updated = await deps.db
        .transaction()
        .execute((trx) =>
          updateProgram(trx, p, request.body as ProgramPatch, { now: deps.now(), requestId: request.id }),
        );
      return programView(updated.program);
    },
  );

  app.get(
    '/program/versions',
    {
      schema: {
        tags: ['program'],
        summary: 'Recent versions of the program settings, newest first',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({ version: Type.Integer(), effectiveFrom: Type.String(), program: ProgramSchema }),
            ),
            nextCursor: Type.Null(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request, 'program:read');
      const versions = await listProgramVersions(deps.db, p.tenantId);
      return {
        items: versions.map((v) => ({
          version: v.version,
          effectiveFrom: v.effectiveFrom.toISOString(),
          program: programView(v.program),
        })),
        nextCursor: null,
      };
    },
  );
};
