export type ReceiptFilter = { memberId: string; storeId: string; from: string; to: string };

/** Date inputs are local calendar days; the API takes instants. `to` includes the whole day. */
export function receiptFilterQuery(f: ReceiptFilter): Record<string, string | undefined> {
  const dayStart = (d: string) => (d ? new Date(`${d}T00:00:00`).toISOString() : undefined);
  const nextDay = (d: string) => {
    if (!d) return undefined;
    const x = new Date(`${d}T00:00:00`);
    x.setDate(x.getDate() + 1);
    return x.toISOString();
  };
  return {
    memberId: f.memberId.trim() || undefined,
    storeId: f.storeId.trim() || undefined,
    from: dayStart(f.from),
    to: nextDay(f.to),
  };
}
