import type { Program, ProgramPatch } from './program';

// Keys that would reach Object.prototype if copied from parsed JSON.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const isPlainObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/**
 * RFC 7396-like deep merge without deletion: objects merge key by key, arrays and scalars
 * (including null) replace, `undefined` leaves the target alone. Inputs are not mutated.
 */
const mergeDeep = (target: unknown, patch: unknown): unknown => {
  if (patch === undefined) return target;
  // Copied so that later changes to the patch cannot reach the merged program.
  if (Array.isArray(patch)) return [...patch];
  if (!isPlainObject(patch)) return patch;
  const base = isPlainObject(target) ? target : {};
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (FORBIDDEN_KEYS.has(key) || value === undefined) continue;
    merged[key] = mergeDeep(base[key], value);
  }
  return merged;
};

/**
 * `PATCH /v1/program` semantics. The result is not validated here: run `validateProgram` on it,
 * since a patch may carry anything a client sent.
 */
export const mergeProgramPatch = (program: Program, patch: ProgramPatch): Program =>
  mergeDeep(program, patch) as Program;
