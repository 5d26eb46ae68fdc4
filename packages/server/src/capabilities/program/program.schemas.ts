import { Type } from '@sinclair/typebox';

const Decimal = (description: string) => Type.String({ description, examples: ['0.05'] });

export const ProgramSchema = Type.Object(
  {
    name: Type.String(),
    currency: Type.String({ description: 'ISO 4217 code; money fields are integers in its minor unit' }),
    timezone: Type.String({ description: 'IANA time zone for schedules, day-of-week rules, expiry dates' }),
    pointValueMinor: Type.Integer({
      description: 'What one point pays when spent, in minor units (100 = 1.00 RUB)',
    }),
    earn: Type.Object({
      pointsPerUnit: Decimal(
        'Points per one major currency unit of the earning base ("0.05" = 5 %, "2" = two points per rouble)',
      ),
      rounding: Type.String({ description: 'floor | ceil | half_up | half_even — applied once per receipt' }),
      base: Type.String({
        description: 'paid = money paid after discounts and points; gross = line amounts before them',
      }),
      excludedCategories: Type.Array(Type.String()),
      pendingDays: Type.Integer({
        description: 'Earned points become spendable this many days after the purchase',
      }),
      expiryDays: Type.Union([Type.Integer(), Type.Null()], {
        description: 'Points expire this many days after activation; null = never',
      }),
    }),
    burn: Type.Object({
      maxPercentOfReceipt: Type.Integer({
        description: 'At most this percent of the receipt (after discounts) may be paid with points',
      }),
      excludedCategories: Type.Array(Type.String()),
    }),
    refund: Type.Object({
      policy: Type.String({
        description:
          'debt = balance may go negative; clamp = revoke what is available and write off the rest',
      }),
    }),
    receipts: Type.Object({
      maxDelayDays: Type.Integer({
        description: 'Offline window: how late a till may confirm a receipt with its real occurredAt',
      }),
    }),
  },
  { $id: 'Program' },
);

// PATCH bodies are checked by the domain's validateProgram, which names every wrong field in
// words a program manager understands; the schema only insists on a JSON object.
export const ProgramPatchSchema = Type.Object(
  {},
  {
    additionalProperties: true,
    description: 'Any subset of the program; nested objects are merged, arrays replaced.',
  },
);
