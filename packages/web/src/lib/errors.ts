import type { TFunction } from 'i18next';
import { ApiError, NETWORK_ERROR } from './api';

// API error codes in words a cashier or a manager understands; the server's own sentence is the
// fallback for codes the app does not know.

const KNOWN = [
  'validation_failed',
  'unauthorized',
  'forbidden',
  'verification_required',
  'not_found',
  'idempotency_key_reused',
  'idempotency_in_flight',
  'member_exists',
  'membership_exists',
  'conflict',
  'insufficient_points',
  'points_limit_exceeded',
  'refund_exceeds_receipt',
  'receipt_cancelled',
  'occurred_at_out_of_range',
  'rate_limited',
  'unprocessable',
  'internal_error',
  'unavailable',
  NETWORK_ERROR,
] as const;

export type KnownErrorCode = (typeof KNOWN)[number];

export function knownErrorCode(err: unknown): KnownErrorCode | undefined {
  if (!(err instanceof ApiError)) return undefined;
  return (KNOWN as readonly string[]).includes(err.code) ? (err.code as KnownErrorCode) : undefined;
}

function detailNumber(details: unknown, key: string): number | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const v = (details as Record<string, unknown>)[key];
  return typeof v === 'number' ? v : undefined;
}

export function errorMessage(t: TFunction, err: unknown): string {
  if (!(err instanceof Error)) return t('errors.unknown');
  const code = knownErrorCode(err);
  if (!code || !(err instanceof ApiError)) return err.message || t('errors.unknown');
  switch (code) {
    case 'points_limit_exceeded':
      return t('errors.points_limit_exceeded', { max: detailNumber(err.details, 'maxPointsToSpend') ?? 0 });
    case 'insufficient_points':
      return t('errors.insufficient_points', { available: detailNumber(err.details, 'available') ?? 0 });
    case 'rate_limited':
      return t('errors.rate_limited', { seconds: detailNumber(err.details, 'retryAfterSeconds') ?? 30 });
    case 'validation_failed':
      return `${t('errors.validation_failed')} ${err.message}`;
    case 'not_found':
      return `${t('errors.not_found')} ${err.message}`;
    default:
      return t(`errors.${code}`);
  }
}
