import { Center, Loader } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { ErrorAlert } from '../components/error-alert';
import { api, isApiError } from '../lib/api';
import type { Me } from '../lib/types';

export const ME_KEY = ['auth', 'me'] as const;

export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: ({ signal }) => api.get<Me>('/v1/auth/me', signal),
    staleTime: 60_000,
  });
}

export function hasScope(me: Me | undefined, scope: string): boolean {
  if (!me) return false;
  const [resource] = scope.split(':');
  return me.scopes.some((s) => s === '*' || s === scope || s === `${resource}:*`);
}

/** Shows its children only to signed-in staff; everyone else goes to the login page. */
export function StaffGate({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  const location = useLocation();
  const me = useMe();
  if (me.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (me.isError) {
    if (isApiError(me.error, 'unauthorized')) {
      const next = encodeURIComponent(location.pathname + location.search);
      return <Navigate to={`/login?next=${next}`} replace />;
    }
    return <ErrorAlert error={me.error} m="xl" />;
  }
  return children ?? <Outlet />;
}
