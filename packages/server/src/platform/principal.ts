import type { StaffRole } from '../capabilities/staff/staff.table';
import { AppError } from './errors';

// Who is calling and for which tenant. Every /v1 request resolves to one; every query is scoped
// by `tenantId` taken from here, never from the request body.
export type Principal = {
  tenantId: string;
  actorType: 'api_key' | 'staff';
  actorId: string;
  role: StaffRole | null;
  scopes: readonly string[];
};

export const ALL_SCOPES = [
  'admin',
  'program:read',
  'program:write',
  'members:read',
  'members:write',
  'receipts:read',
  'receipts:write',
  'ledger:read',
  'ledger:write',
  'campaigns:read',
  'campaigns:write',
  'staff:read',
  'staff:write',
  'audit:read',
  'tiers:read',
  'tiers:write',
  'memberships:read',
  'memberships:write',
  'analytics:read',
] as const;

export type Scope = (typeof ALL_SCOPES)[number];

const READ_ALL = ALL_SCOPES.filter((s) => s.endsWith(':read'));

export const ROLE_SCOPES: Record<StaffRole, readonly string[]> = {
  owner: ['*'],
  admin: ALL_SCOPES.filter((s) => s !== 'admin'),
  marketer: [
    ...READ_ALL.filter((s) => s !== 'staff:read' && s !== 'audit:read'),
    'campaigns:write',
    'program:write',
    'tiers:write',
  ],
  analyst: READ_ALL.filter((s) => s !== 'staff:read'),
  support: [
    'members:read',
    'members:write',
    'receipts:read',
    'receipts:write',
    'ledger:read',
    'ledger:write',
    'program:read',
    'campaigns:read',
    'tiers:read',
    'memberships:read',
    'memberships:write',
  ],
  cashier: [
    'members:read',
    'members:write',
    'receipts:read',
    'receipts:write',
    'program:read',
    'ledger:read',
    'tiers:read',
    'memberships:read',
    'memberships:write',
  ],
};

export function hasScope(principal: Principal, scope: string): boolean {
  const [resource] = scope.split(':');
  return principal.scopes.some((s) => s === '*' || s === scope || s === `${resource}:*`);
}

export function assertScope(principal: Principal | null, scope: string): Principal {
  if (!principal)
    throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>" or sign in.');
  if (!hasScope(principal, scope)) {
    throw new AppError('forbidden', `These credentials lack the '${scope}' permission.`, {
      requiredScope: scope,
    });
  }
  return principal;
}
