import { Alert, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { Page } from '../lib/types';
import { QueryState } from './query-state';
import { TableScroll } from './table-scroll';

/**
 * A console list as every section shows it: a notice when the server lacks the endpoint, a loader,
 * the error in words, "none yet", or the table in a scrolling region.
 */
export function OptionalList<T>({
  missing,
  unavailable,
  query,
  empty,
  label,
  children,
}: {
  missing: boolean;
  unavailable: string;
  query: UseQueryResult<Page<T>>;
  empty: string;
  label: string;
  children: (items: T[]) => ReactNode;
}) {
  if (missing) return <Alert color="gray">{unavailable}</Alert>;
  return (
    <QueryState query={query}>
      {(page) =>
        page.items.length === 0 ? (
          <Text c="dimmed">{empty}</Text>
        ) : (
          <TableScroll label={label}>{children(page.items)}</TableScroll>
        )
      }
    </QueryState>
  );
}
