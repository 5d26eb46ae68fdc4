import { type CountryCode, getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js';

// How members are recognised: a phone in E.164, an email compared without case, an external id
// from the business's own systems, a card number. The same rules serve the API, lookups and import.

export function normalizePhone(raw: string, defaultRegion: string): string | undefined {
  // A `+` in a query string arrives as a space (`?phone=+7916…` -> ` 7916…`): put it back.
  const text = raw.replace(/^\s+(?=\d)/, '+').trim();
  if (text === '' || text.length > 40 || /[^\d\s()+.\-/]/.test(text)) return undefined;
  const parsed = parsePhoneNumberFromString(text, defaultRegion as CountryCode);
  return parsed?.isValid() ? parsed.number : undefined;
}

// The same pattern ajv-formats uses for `format: email`, so API and import agree.
const EMAIL_PATTERN =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

export function normalizeEmail(raw: string): string | undefined {
  const email = raw.trim();
  return email.length <= 254 && EMAIL_PATTERN.test(email) ? email : undefined;
}

/** Card numbers are printed with spaces or dashes; stored as the bare characters. */
export function normalizeCardNumber(raw: string): string | undefined {
  const n = raw.replace(/[\s-]/g, '');
  return /^[A-Za-z0-9]{4,32}$/.test(n) ? n.toUpperCase() : undefined;
}

export function normalizeExternalId(raw: string): string | undefined {
  const id = raw.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  return id.length >= 1 && id.length <= 128 && !/[\u0000-\u001f\u007f]/.test(id) ? id : undefined;
}

/**
 * What a partial phone typed into the console search may mean, as prefixes of the stored E.164
 * number and as a suffix (the last digits). Each becomes an indexed `like 'x%'`.
 */
export function computePhoneSearch(
  q: string,
  defaultRegion: string,
): { prefixes: string[]; suffix: string } | undefined {
  const digits = q.replace(/\D/g, '');
  if (digits.length < 3 || /[^\d\s()+.-]/.test(q.trim())) return undefined;
  const prefixes = new Set<string>([`+${digits}`]);
  let callingCode: string | undefined;
  try {
    callingCode = getCountryCallingCode(defaultRegion as CountryCode);
  } catch {
    callingCode = undefined;
  }
  if (callingCode && !q.trim().startsWith('+')) {
    prefixes.add(`+${callingCode}${digits}`);
    // Russian trunk prefix: 8 916… is +7 916…
    if (callingCode === '7' && digits.startsWith('8')) prefixes.add(`+7${digits.slice(1)}`);
  }
  return { prefixes: [...prefixes], suffix: digits };
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * A phone normalizer for bulk work (import): libphonenumber costs tens of microseconds a number,
 * too much a million times over. Inputs of the usual shapes (+7 916 123-45-67, 8 916 1234567,
 * 9161234567) are turned into an E.164 candidate by digit arithmetic, and libphonenumber's verdict
 * is cached per number range (the candidate without its last 4 digits, which numbering plans
 * never constrain). A range whose verdict disagrees with the digit arithmetic falls back to the
 * full parse for every number in it.
 */
export function createBulkPhoneNormalizer(defaultRegion: string): (raw: string) => string | undefined {
  let callingCode: string | undefined;
  try {
    callingCode = getCountryCallingCode(defaultRegion as CountryCode);
  } catch {
    callingCode = undefined;
  }
  const ranges = new Map<string, 'valid' | 'invalid' | 'slow'>();
  return (raw) => {
    const text = raw.replace(/^\s+(?=\d)/, '+').trim();
    const digits = text.replace(/[\s\-.()]/g, '').replace(/^\+/, '');
    let candidate: string | undefined;
    if (/^\d{6,15}$/.test(digits)) {
      if (text.startsWith('+')) candidate = `+${digits}`;
      else if (callingCode === '7' && digits.length === 11 && digits[0] === '8')
        candidate = `+7${digits.slice(1)}`;
      else if (callingCode === '7' && digits.length === 10 && digits[0] !== '8') candidate = `+7${digits}`;
    }
    if (candidate === undefined) return normalizePhone(raw, defaultRegion);
    const range = `${candidate.slice(0, -4)}/${candidate.length}`;
    const known = ranges.get(range);
    if (known === 'valid') return candidate;
    if (known === 'invalid') return undefined;
    if (known === 'slow') return normalizePhone(raw, defaultRegion);
    const full = normalizePhone(raw, defaultRegion);
    ranges.set(range, full === undefined ? 'invalid' : full === candidate ? 'valid' : 'slow');
    if (ranges.size > 1_000_000) ranges.clear();
    return full;
  };
}
