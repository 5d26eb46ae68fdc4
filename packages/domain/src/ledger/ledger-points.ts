// Points are JS safe integers. Invalid amounts are programming errors (the API layer validates
// requests), so they throw instead of returning a business outcome.
export function assertPoints(points: number, what: string): void {
  if (!Number.isSafeInteger(points) || points < 0) {
    throw new RangeError(`${what} must be a non-negative safe integer, got ${points}`);
  }
}
