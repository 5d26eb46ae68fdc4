import { MAX_TAGS, normalizeTags } from './tags';

// What a merge of a duplicate member into a survivor decides about the profile, consents and
// tiers. Pure: the server locks both members, asks these functions, and writes the answer.

export type MergeProfile = {
  phone: string | null;
  email: string | null;
  externalId: string | null;
  firstName: string | null;
  lastName: string | null;
  birthDate: string | null;
  tags: readonly string[];
  attributes: Readonly<Record<string, unknown>>;
};

export const MERGE_FILLED_FIELDS = [
  'phone',
  'email',
  'externalId',
  'firstName',
  'lastName',
  'birthDate',
] as const;

export type MergeFilledField = (typeof MERGE_FILLED_FIELDS)[number];

/**
 * The survivor's profile after the merge. The survivor's own values win; fields it lacks are taken
 * from the duplicate (whose identifiers are released at the same time, so taking them cannot
 * collide). Tags are the union (survivor's first, at most MAX_TAGS); attributes the union with
 * the survivor's value winning per key. `filled` names the fields that came from the duplicate.
 */
export function computeMergedProfile(
  survivor: MergeProfile,
  duplicate: MergeProfile,
): { profile: MergeProfile; filled: MergeFilledField[] } {
  const profile: MergeProfile = {
    ...survivor,
    tags: normalizeTags([...survivor.tags, ...duplicate.tags]).slice(0, MAX_TAGS),
    attributes: { ...duplicate.attributes, ...survivor.attributes },
  };
  const filled: MergeFilledField[] = [];
  for (const field of MERGE_FILLED_FIELDS) {
    if (survivor[field] === null && duplicate[field] !== null) {
      profile[field] = duplicate[field];
      filled.push(field);
    }
  }
  return { profile, filled };
}

export type ConsentDecision = {
  channel: string;
  purpose: string;
  granted: boolean;
  updatedAt: Date;
};

/**
 * The consent decisions the survivor takes over: per channel and purpose, the newest decision of
 * the two members wins (a later withdrawal beats an earlier grant and vice versa); on a tie the
 * survivor's stands. Returns the duplicate's decisions that replace or add to the survivor's.
 */
export function computeMergedConsents<T extends ConsentDecision>(
  survivor: readonly ConsentDecision[],
  duplicate: readonly T[],
): T[] {
  const key = (c: ConsentDecision) => `${c.channel}\u0000${c.purpose}`;
  const current = new Map(survivor.map((c) => [key(c), c]));
  return duplicate.filter((c) => {
    const own = current.get(key(c));
    return own === undefined || c.updatedAt.getTime() > own.updatedAt.getTime();
  });
}

/**
 * Which member's tier the survivor keeps: the higher rank on the ladder (`-1` = a code the ladder
 * no longer has, or none: the entry tier). A tie keeps the survivor's.
 */
export function pickMergedTier(survivorRank: number, duplicateRank: number): 'survivor' | 'duplicate' {
  return duplicateRank > survivorRank ? 'duplicate' : 'survivor';
}
