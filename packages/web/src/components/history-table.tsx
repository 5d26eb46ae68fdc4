import { Anchor, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useFormat } from '../lib/format';
import { historyKindLabel } from '../lib/history-kinds';
import type { HistoryEntry } from '../lib/types';
import { TableScroll } from './table-scroll';

export function HistoryTable({
  items,
  receiptLink,
}: {
  items: HistoryEntry[];
  receiptLink?: (id: string) => string;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  if (items.length === 0) return <Text c="dimmed">{t('history.empty')}</Text>;
  return (
    <TableScroll label={t('member.history')}>
      <Table striped verticalSpacing="xs" miw={560}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('history.when')}</Table.Th>
            <Table.Th>{t('history.what')}</Table.Th>
            <Table.Th ta="right">{t('common.points')}</Table.Th>
            <Table.Th ta="right">{t('history.balanceAfter')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((e) => (
            <Table.Tr key={e.entryId}>
              <Table.Td className="nowrap">{f.dateTime(e.at)}</Table.Td>
              <Table.Td>
                {historyKindLabel(t, e.kind)}
                {e.bucket === 'pending' && ` (${t('history.pending')})`}
                {e.reason && (
                  <Text size="xs" c="dimmed">
                    {e.reason}
                  </Text>
                )}
                {e.receiptId && (
                  <Text size="xs" c="dimmed">
                    {receiptLink ? (
                      <Anchor component={Link} to={receiptLink(e.receiptId)} size="xs">
                        {e.receiptId}
                      </Anchor>
                    ) : (
                      e.receiptId
                    )}
                  </Text>
                )}
              </Table.Td>
              <Table.Td ta="right" c={e.points < 0 ? 'red.9' : 'teal.9'} fw={600} className="nowrap">
                {e.points > 0 ? '+' : ''}
                {f.points(e.points)}
              </Table.Td>
              <Table.Td ta="right">{f.points(e.balanceAfter)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}
