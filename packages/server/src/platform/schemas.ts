import { type TSchema, Type } from '@sinclair/typebox';
import { AppError } from './errors';

// Client-chosen ids and every id in a path (contract: Conventions).
export const ID_PATTERN = '^[A-Za-z0-9._:-]{1,128}$';
export const Id = (description?: string) =>
  Type.String({ pattern: ID_PATTERN, minLength: 1, maxLength: 128, ...(description ? { description } : {}) });

export const IdParams = Type.Object({ id: Id() });

export const ErrorBodySchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ErrorBody', description: 'Every 4xx/5xx response carries this body.' },
);

export const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
});

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export const IsoDateTime = (description?: string) =>
  Type.String({ format: 'date-time', ...(description ? { description } : {}) });

// Cursors are opaque to clients: base64url of a small JSON tuple.
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(cursor: string | undefined, isValid: (v: unknown) => v is T): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isValid(v)) return v;
  } catch {
    // fall through to the error below
  }
  throw new AppError(
    'validation_failed',
    'The cursor is not one this server issued; start again without it.',
    [{ field: 'querystring.cursor', message: 'unknown cursor' }],
  );
}

export const errorResponses = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
  422: ErrorBodySchema,
};
