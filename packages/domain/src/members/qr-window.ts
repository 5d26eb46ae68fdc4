// A member's QR token is signed for one time window; the till accepts the current window and the
// one before it, so a token lives between one and two windows and a screenshot soon goes stale.

export const QR_WINDOW_SECONDS = 30;
export const QR_ACCEPTED_WINDOWS = 2;

export function computeQrWindow(at: Date, windowSeconds = QR_WINDOW_SECONDS): number {
  return Math.floor(at.getTime() / 1000 / windowSeconds);
}

/** The instant after which a token signed for `window` is refused. */
export function computeQrExpiresAt(window: number, windowSeconds = QR_WINDOW_SECONDS): Date {
  return new Date((window + QR_ACCEPTED_WINDOWS) * windowSeconds * 1000);
}

export function isQrWindowAccepted(window: number, at: Date, windowSeconds = QR_WINDOW_SECONDS): boolean {
  const current = computeQrWindow(at, windowSeconds);
  return window <= current && window > current - QR_ACCEPTED_WINDOWS;
}
