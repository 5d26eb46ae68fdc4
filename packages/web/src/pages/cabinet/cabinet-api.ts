import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api';
import type { CabinetProfile } from '../../lib/types';

export const CABINET_ME = ['cabinet', 'me'] as const;

/** The signed-in member, or null: /v1/cabinet/session never answers 401, so no console noise. */
export function useCabinetMe() {
  return useQuery({
    queryKey: CABINET_ME,
    queryFn: async ({ signal }) =>
      (await api.get<{ member: CabinetProfile | null }>('/v1/cabinet/session', signal)).member,
    staleTime: 60_000,
  });
}

const PROGRAM_KEY = 'kopilka.cabinet.program';

/** ?program=slug on the link a shop hands out; remembered for the next visit. */
export function cabinetProgramSlug(search: string): string | undefined {
  const fromUrl = new URLSearchParams(search).get('program') ?? undefined;
  try {
    if (fromUrl) localStorage.setItem(PROGRAM_KEY, fromUrl);
    return fromUrl ?? localStorage.getItem(PROGRAM_KEY) ?? undefined;
  } catch {
    return fromUrl;
  }
}
