import type { DbOrTrx } from '../../platform/db';
import { newId } from '../../platform/ids';

export async function createTenant(
  db: DbOrTrx,
  input: { name: string; slug: string; timezone?: string; defaultRegion?: string },
): Promise<{ id: string; slug: string }> {
  const id = newId('tnt');
  await db
    .insertInto('tenant')
    .values({
      id,
      slug: input.slug,
      name: input.name,
      timezone: input.timezone ?? 'Europe/Moscow',
      default_region: input.defaultRegion ?? 'RU',
    })
    .execute();
  return { id, slug: input.slug };
}

export function findTenant(db: DbOrTrx, tenantId: string) {
  return db.selectFrom('tenant').selectAll().where('id', '=', tenantId).executeTakeFirst();
}

export async function countTenants(db: DbOrTrx): Promise<number> {
  const row = await db
    .selectFrom('tenant')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
