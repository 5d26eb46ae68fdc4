import { createApiKey, createStaffUser } from '../capabilities/staff/staff.service';
import { countTenants, createTenant } from '../capabilities/tenants/tenants.service';
import type { Config } from './config';
import { type Db, isUniqueViolation } from './db';
import { randomToken } from './ids';

export type BootstrapResult =
  | { created: false }
  | {
      created: true;
      tenantId: string;
      email: string;
      password: string;
      passwordGenerated: boolean;
      apiKey: string;
    };

// First start on an empty database: one tenant, its owner and a full-access API key. Two nodes
// starting together race on the unique tenant slug; the loser simply finds the tenant there.
export async function bootstrapIfEmpty(db: Db, config: Config): Promise<BootstrapResult> {
  if ((await countTenants(db)) > 0) return { created: false };
  const email = config.KOPILKA_INIT_ADMIN_EMAIL ?? 'owner@kopilka.local';
  const password = config.KOPILKA_INIT_ADMIN_PASSWORD ?? randomToken(12);
  try {
    return await db.transaction().execute(async (trx) => {
      const tenant = await createTenant(trx, { name: 'Demo coffee', slug: 'default' });
      await createStaffUser(trx, { tenantId: tenant.id, email, name: 'Owner', role: 'owner', password });
      const key = await createApiKey(trx, {
        tenantId: tenant.id,
        name: config.KOPILKA_INIT_API_KEY ? 'init key (KOPILKA_INIT_API_KEY)' : 'first full-access key',
        scopes: ['*'],
        createdBy: null,
        ...(config.KOPILKA_INIT_API_KEY ? { plainKey: config.KOPILKA_INIT_API_KEY } : {}),
      });
      return {
        created: true as const,
        tenantId: tenant.id,
        email,
        password,
        passwordGenerated: !config.KOPILKA_INIT_ADMIN_PASSWORD,
        apiKey: key.key,
      };
    });
  } catch (err) {
    if (isUniqueViolation(err)) return { created: false };
    throw err;
  }
}

export function formatBootstrapBanner(
  result: Extract<BootstrapResult, { created: true }>,
  url: string,
): string {
  const line = '─'.repeat(64);
  return [
    line,
    ' Kopilka is set up. These credentials are shown only once — save them.',
    ` Console:  ${url}`,
    ` Login:    ${result.email}`,
    ` Password: ${result.passwordGenerated ? result.password : '(from KOPILKA_INIT_ADMIN_PASSWORD)'}`,
    ` API key:  ${result.apiKey}`,
    `           curl -H "Authorization: Bearer ${result.apiKey}" ${url}v1/program`,
    line,
  ].join('\n');
}
