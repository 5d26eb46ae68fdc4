// Coupon codes from a pattern: `X` is a random letter or digit from an alphabet without the look-alikes
// (0/O, 1/I/L), `#` a random digit, anything else is kept as written ("CAFE-XXXX-XXXX").

export const COUPON_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const LITERAL = /^[A-Z0-9-]$/;
export const MAX_PATTERN_LENGTH = 40;

export type CouponPattern = {
  readonly pattern: string;
  /** Number of random slots of each kind. */
  readonly letters: number;
  readonly digits: number;
  /** How many different codes the pattern can produce. */
  readonly capacity: bigint;
};

export type CouponPatternResult = { ok: true; value: CouponPattern } | { ok: false; message: string };

export const parseCouponPattern = (pattern: unknown): CouponPatternResult => {
  if (typeof pattern !== 'string' || pattern.length === 0 || pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, message: `pattern must be 1–${MAX_PATTERN_LENGTH} characters` };
  }
  let letters = 0;
  let digits = 0;
  for (const char of pattern) {
    if (char === 'X') letters += 1;
    else if (char === '#') digits += 1;
    else if (!LITERAL.test(char)) {
      return {
        ok: false,
        message: `pattern may contain X (random letter or digit), # (random digit), A–Z, 0–9 and "-"; "${char}" is not allowed`,
      };
    }
  }
  if (letters + digits === 0) return { ok: false, message: 'pattern needs at least one X or #' };
  const capacity = BigInt(COUPON_ALPHABET.length) ** BigInt(letters) * 10n ** BigInt(digits);
  return { ok: true, value: { pattern, letters, digits, capacity } };
};

/**
 * Codes must stay hard to guess and collisions rare: ask for a pattern with at least this many
 * times more possible codes than the series needs (1,000,000 codes need 8 random X's or so).
 */
export const PATTERN_SPARSITY = 1000n;

export const checkPatternCapacity = (pattern: CouponPattern, count: number): string | null =>
  pattern.capacity < BigInt(count) * PATTERN_SPARSITY
    ? `pattern "${pattern.pattern}" allows ${pattern.capacity} codes; ${count} codes need at least ${BigInt(count) * PATTERN_SPARSITY} (add X's)`
    : null;

/**
 * One code from `pattern`, drawing random bytes from `nextByte` (a CSPRNG on the server). Letters
 * take a byte below 248 modulo 31 and digits a byte below 250 modulo 10, so every symbol is
 * equally likely (rejection sampling).
 */
export const generateCouponCode = (pattern: CouponPattern, nextByte: () => number): string => {
  const alphabetSize = COUPON_ALPHABET.length;
  const letterLimit = 256 - (256 % alphabetSize);
  let code = '';
  for (const char of pattern.pattern) {
    if (char === 'X') {
      let byte = nextByte();
      while (byte >= letterLimit) byte = nextByte();
      code += COUPON_ALPHABET[byte % alphabetSize];
    } else if (char === '#') {
      let byte = nextByte();
      while (byte >= 250) byte = nextByte();
      code += String(byte % 10);
    } else {
      code += char;
    }
  }
  return code;
};

/**
 * Whether a code (as typed: case and outer spaces do not matter) could be one of `pattern`'s:
 * literals equal, X a letter or digit of the alphabet, # a digit. Only the shape is checked;
 * whether the code exists is the server's business.
 */
export const matchesCouponPattern = (code: string, pattern: string): boolean => {
  const text = code.trim().toUpperCase();
  if (text.length !== pattern.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    const slot = pattern[i] as string;
    const char = text[i] as string;
    if (slot === 'X') {
      if (!COUPON_ALPHABET.includes(char)) return false;
    } else if (slot === '#') {
      if (char < '0' || char > '9') return false;
    } else if (slot !== char) return false;
  }
  return true;
};
