import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

function encodeBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

// Public ids are prefixed and opaque (`mbr_…`, `rcp_…`); the leading time part keeps them roughly
// sortable by creation, which keeps B-tree inserts local and cursors stable.
export function newId(prefix: string): string {
  const time = Date.now().toString(32).padStart(9, '0');
  return `${prefix}_${time}${encodeBase32(randomBytes(10))}`;
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
