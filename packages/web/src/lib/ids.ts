// Client-chosen ids (receiptId, refundId, Idempotency-Key) must match ^[A-Za-z0-9._:-]{1,128}$.
// crypto.randomUUID exists only in secure contexts; getRandomValues exists everywhere.

function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function newClientId(prefix: string, now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:TZ.]/g, '')
    .slice(0, 14);
  return `${prefix}-${stamp}-${randomHex(6)}`;
}

export const CLIENT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
