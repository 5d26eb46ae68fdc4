// Tags are short labels staff put on members ("vip", "wholesale"); kept as given but without
// duplicates that differ only in case or surrounding spaces, in first-seen order.

export const TAG_PATTERN = /^[\p{L}\p{N}_.:\-+ ]{1,50}$/u;
export const MAX_TAGS = 50;

export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim().replace(/\s+/g, ' ');
    const key = tag.toLowerCase();
    if (tag === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}

export function findInvalidTag(tags: readonly string[]): string | undefined {
  return tags.find((t) => !TAG_PATTERN.test(t));
}
