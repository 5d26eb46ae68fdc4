import {
  defaultProgram,
  mergeProgramPatch,
  type Program,
  type ProgramPatch,
  validateProgram,
} from '@kopilka/domain/program';
import { sql } from 'kysely';
import type { DbOrTrx, Trx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import type { Principal } from '../../platform/principal';
import { actorOf, recordAudit } from '../audit/audit.service';

export type ProgramVersion = { version: number; effectiveFrom: Date; program: Program };

// Versions change rarely and are read on every receipt: keep them per tenant for a short while.
// A PATCH on this node drops the entry at once; other nodes see it within CACHE_MS.
// A program never saved runs on defaults built from the tenant row; they are cached with the
// versions (one fewer query per receipt for such tenants).
const CACHE_MS = 2_000;
const cache = new Map<string, { until: number; versions: ProgramVersion[]; defaults?: Program }>();

async function loadVersions(db: DbOrTrx, tenantId: string): Promise<ProgramVersion[]> {
  const hit = cache.get(tenantId);
  if (hit && hit.until > Date.now()) return hit.versions;
  const rows = await db
    .selectFrom('program_version')
    .select(['version', 'effective_from', 'settings'])
    .where('tenant_id', '=', tenantId)
    .orderBy('version', 'desc')
    .limit(50)
    .execute();
  const versions = rows.map((r) => ({
    version: r.version,
    effectiveFrom: r.effective_from,
    program: r.settings as Program,
  }));
  cache.set(tenantId, { until: Date.now() + CACHE_MS, versions });
  return versions;
}

async function tenantDefaults(db: DbOrTrx, tenantId: string): Promise<Program> {
  const hit = cache.get(tenantId);
  if (hit?.defaults && hit.until > Date.now()) return hit.defaults;
  const tenant = await db
    .selectFrom('tenant')
    .select(['name', 'timezone'])
    .where('id', '=', tenantId)
    .executeTakeFirst();
  const defaults = {
    ...defaultProgram(),
    ...(tenant ? { name: tenant.name, timezone: tenant.timezone } : {}),
  };
  if (hit && hit.until > Date.now()) hit.defaults = defaults;
  return defaults;
}

/** The program as it stands now (version 0 = defaults, never saved). */
export async function getCurrentProgram(db: DbOrTrx, tenantId: string): Promise<ProgramVersion> {
  const [latest] = await loadVersions(db, tenantId);
  return latest ?? { version: 0, effectiveFrom: new Date(0), program: await tenantDefaults(db, tenantId) };
}

/** The rules in force at `at` (offline receipts arrive late with their real time). */
export async function getProgramAt(db: DbOrTrx, tenantId: string, at: Date): Promise<ProgramVersion> {
  const versions = await loadVersions(db, tenantId);
  const inForce = versions.find((v) => v.effectiveFrom.getTime() <= at.getTime());
  if (inForce) return inForce;
  if (versions.length === 50) {
    // Older than the cached window: ask the database.
    const row = await db
      .selectFrom('program_version')
      .select(['version', 'effective_from', 'settings'])
      .where('tenant_id', '=', tenantId)
      .where('effective_from', '<=', at)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (row)
      return { version: row.version, effectiveFrom: row.effective_from, program: row.settings as Program };
  }
  // Before the first saved version the defaults were in force.
  return { version: 0, effectiveFrom: new Date(0), program: await tenantDefaults(db, tenantId) };
}

export async function updateProgram(
  trx: Trx,
  principal: Principal,
  patch: ProgramPatch,
  ctx: { now: Date; requestId?: string },
): Promise<ProgramVersion> {
  const tenantId = principal.tenantId;
  // Serialize concurrent PATCHes of one tenant so versions stay dense and each merges the last.
  await sql`select pg_advisory_xact_lock(hashtext(${`program:${tenantId}`}))`.execute(trx);
  cache.delete(tenantId);
  const current = await getCurrentProgram(trx, tenantId);
  const next = mergeProgramPatch(current.program, patch);
  const problems = validateProgram(next);
  if (problems.length > 0) {
    throw new AppError(
      'validation_failed',
      `The program settings are invalid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      problems.map((p) => ({ field: `body.${p.field}`, message: p.message })),
    );
  }
  const version = current.version + 1;
  await trx
    .insertInto('program_version')
    .values({
      tenant_id: tenantId,
      version,
      settings: sql`${JSON.stringify(next)}::jsonb`,
      effective_from: ctx.now,
      created_by: principal.actorId,
    })
    .execute();
  await recordAudit(trx, {
    tenantId,
    actor: actorOf(principal),
    action: 'program.updated',
    targetType: 'program',
    targetId: String(version),
    details: { patch },
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  });
  cache.delete(tenantId);
  return { version, effectiveFrom: ctx.now, program: next };
}

export async function listProgramVersions(db: DbOrTrx, tenantId: string) {
  return loadVersions(db, tenantId);
}
