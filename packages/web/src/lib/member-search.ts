// The console's one search box: an email, a phone (or some of its digits), or a name.

/** What the search box holds: an email, a phone or its digits, or a name. */
export function memberSearchParams(text: string): Record<string, string> {
  const q = text.trim();
  if (!q) return {};
  if (q.includes('@')) return { email: q };
  const digits = q.replace(/\D/g, '');
  if (/^[\d\s()+-]+$/.test(q) && digits.length >= 3) return { q: digits };
  return { q };
}
