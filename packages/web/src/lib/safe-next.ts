/** Only same-site paths: a crafted ?next= must not send staff to another site. */
export function safeNext(next: string | null, role: string): string {
  if (next?.startsWith('/') && !next.startsWith('//')) return next;
  return role === 'cashier' ? '/cashier' : '/admin';
}
