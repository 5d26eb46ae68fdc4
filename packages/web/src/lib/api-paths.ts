import { useQuery } from '@tanstack/react-query';
import { api } from './api';

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
