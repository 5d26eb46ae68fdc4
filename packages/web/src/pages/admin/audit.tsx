import { Button, Code, Spoiler, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert';
import { PageHeader } from '../../components/page-header';
import { TableScroll } from '../../components/table-scroll';
import { api, qs } from '../../lib/api';
import { useFormat } from '../../lib/format';
import type { AuditEntry, Page } from '../../lib/types';

export function AuditPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useInfiniteQuery({
    queryKey: ['audit'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<AuditEntry>>(`/v1/audit-log${qs({ limit: 100, cursor: pageParam })}`, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <PageHeader title={t('audit.title')} description={t('audit.subtitle')} />
      {query.isError && <ErrorAlert error={query.error} />}
      {query.isSuccess && items.length === 0 && <Text c="dimmed">{t('audit.none')}</Text>}
      {items.length > 0 && (
        <TableScroll label={t('audit.title')}>
          <Table striped verticalSpacing="xs" miw={760}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('audit.when')}</Table.Th>
                <Table.Th>{t('audit.who')}</Table.Th>
                <Table.Th>{t('audit.action')}</Table.Th>
                <Table.Th>{t('audit.target')}</Table.Th>
                <Table.Th>{t('audit.details')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td className="nowrap">{f.dateTime(e.at)}</Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {t(`audit.actor.${e.actorType as 'staff'}`, { defaultValue: e.actorType })}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {e.actorId ?? ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Code>{e.action}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{[e.targetType, e.targetId].filter(Boolean).join(' ')}</Text>
                  </Table.Td>
                  <Table.Td maw={360}>
                    {e.details !== null && e.details !== undefined && (
                      <Spoiler maxHeight={40} showLabel={t('audit.more')} hideLabel={t('audit.less')} fz="xs">
                        <Text size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                          {JSON.stringify(e.details)}
                        </Text>
                      </Spoiler>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
      {query.hasNextPage && (
        <Button variant="light" onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
          {t('common.loadMore')}
        </Button>
      )}
    </Stack>
  );
}
