import { useQuery } from '@tanstack/react-query';
import { api } from './api';
import { currencyDigits } from './money';
import type { Program } from './types';

export const PROGRAM_KEY = ['program'] as const;

export function useProgram() {
  return useQuery({
    queryKey: PROGRAM_KEY,
    queryFn: ({ signal }) => api.get<Program>('/v1/program', signal),
  });
}

/** The program's currency and its minor-unit digits (RUB until the program has loaded). */
export function useCurrency(): { currency: string; digits: number } {
  const program = useProgram().data;
  const currency = program?.currency ?? 'RUB';
  return { currency, digits: currencyDigits(currency) };
}
