// One table maps every error code to its HTTP status; capabilities add their codes here so the
// contract's error body stays uniform.
export const ERROR_STATUS = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  verification_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  idempotency_key_reused: 409,
  idempotency_in_flight: 409,
  member_exists: 409,
  membership_exists: 409,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  insufficient_points: 422,
  points_limit_exceeded: 422,
  refund_exceeds_receipt: 422,
  receipt_cancelled: 422,
  occurred_at_out_of_range: 422,
  unprocessable: 422,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }
}

export function notFound(what: string, id: string): AppError {
  return new AppError('not_found', `${what} '${id}' does not exist in this program.`);
}

export function toErrorBody(err: AppError): ErrorBody {
  return err.details === undefined
    ? { error: { code: err.code, message: err.message } }
    : { error: { code: err.code, message: err.message, details: err.details } };
}
