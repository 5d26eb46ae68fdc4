// Intl also accepts offset strings ("+03:00") on newer engines; the contract asks for IANA
// names, so only names that start with a letter are considered at all.
const IANA_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

// Building a DateTimeFormat is the expensive part and every receipt re-validates its
// program's zone; the set of zones a runtime knows does not change while it runs.
const knownZones = new Set<string>();

/** True when `name` is an IANA time-zone name this runtime's Intl knows ('Europe/Moscow', 'UTC'). */
export const isValidTimeZone = (name: unknown): name is string => {
  if (typeof name !== 'string' || name.length > 64 || !IANA_NAME_PATTERN.test(name)) return false;
  if (knownZones.has(name)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return false;
  }
  if (knownZones.size < 1_000) knownZones.add(name);
  return true;
};
