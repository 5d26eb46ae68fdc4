import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { DbOrTrx } from '../../platform/db';
import * as repo from './members.repository';
import { listAttributeDefs } from './members.service';

// `kopilka export members FILE.csv`: every member of a tenant, newest first, in pages by id so a
// million members stream in constant memory. The columns are the import's (plus memberId,
// status, createdAt, which an import skips), so an export can be imported elsewhere.

export async function exportMembers(
  db: DbOrTrx,
  tenantId: string,
  output: Writable,
  onProgress?: (rows: number) => void,
): Promise<{ rows: number }> {
  const attributeKeys = (await listAttributeDefs(db, tenantId)).map((d) => d.key);
  const csv = stringify({
    header: true,
    columns: [
      'memberId',
      'phone',
      'email',
      'firstName',
      'lastName',
      'birthDate',
      'externalId',
      'cardNumber',
      'status',
      'tags',
      'createdAt',
      ...attributeKeys.map((k) => `attr.${k}`),
    ],
  });
  const done = new Promise<void>((resolve, reject) => {
    csv.on('error', reject);
    output.on('error', reject);
    output.on('finish', resolve);
  });
  csv.pipe(output);
  let rows = 0;
  let beforeId: string | undefined;
  for (;;) {
    const page = await repo.listMembers(db, tenantId, {}, { limit: 5000, beforeId });
    const items = page.slice(0, 5000);
    for (const m of items) {
      const row = [
        m.id,
        m.phone ?? '',
        m.email ?? '',
        m.first_name ?? '',
        m.last_name ?? '',
        m.birth_date ?? '',
        m.external_id ?? '',
        m.card_number ?? '',
        m.status,
        m.tags.join('|'),
        m.created_at.toISOString(),
        ...attributeKeys.map((k) => {
          const v = m.attributes[k];
          return v === undefined || v === null ? '' : String(v);
        }),
      ];
      if (!csv.write(row)) await new Promise((r) => csv.once('drain', r));
    }
    rows += items.length;
    onProgress?.(rows);
    const last = items[items.length - 1];
    if (page.length <= 5000 || !last) break;
    beforeId = last.id;
  }
  csv.end();
  await done;
  return { rows };
}
