import { useQuery } from '@tanstack/react-query';
import { api, isApiError } from './api';
import type { Page } from './types';

// Capabilities land one by one; the server's OpenAPI document says which endpoints exist, so the
// console can hide a section instead of calling an endpoint that is not there yet.

type OpenApi = { paths?: Record<string, Record<string, unknown>> };

export function useApiPaths() {
  return useQuery({
    queryKey: ['openapi-paths'],
    queryFn: async ({ signal }) => {
      const doc = await api.get<OpenApi>('/openapi.json', signal);
      const out = new Set<string>();
      for (const [path, ops] of Object.entries(doc.paths ?? {})) {
        for (const method of Object.keys(ops)) out.add(`${method.toUpperCase()} ${path}`);
      }
      return out;
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** true / false once the document is loaded, undefined before. */
export function useHasEndpoint(method: string, path: string): boolean | undefined {
  const paths = useApiPaths().data;
  return paths ? paths.has(`${method.toUpperCase()} ${path}`) : undefined;
}

/**
 * A list from an endpoint that may not be on this server yet: asked for only once /openapi.json
 * lists it; `missing` when it is absent (or answers 404), for the page to say so instead.
 */
export function useOptionalList<T>(
  endpoint: string,
  url: string,
  queryKey: readonly unknown[],
  refetchInterval?: (items: T[] | undefined) => number | false,
) {
  const available = useHasEndpoint('GET', endpoint);
  const query = useQuery<Page<T>>({
    queryKey,
    queryFn: ({ signal }) => api.get<Page<T>>(url, signal),
    enabled: available === true,
    retry: false,
    refetchInterval: (q) => refetchInterval?.(q.state.data?.items) ?? false,
  });
  return { query, missing: available === false || isApiError(query.error, 'not_found') };
}
