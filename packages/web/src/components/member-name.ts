import type { Member } from '../lib/types';

export function memberDisplayName(
  m: Pick<Member, 'firstName' | 'lastName' | 'phone' | 'email' | 'memberId'>,
): string {
  const name = [m.firstName, m.lastName].filter(Boolean).join(' ');
  return name || m.phone || m.email || m.memberId;
}
