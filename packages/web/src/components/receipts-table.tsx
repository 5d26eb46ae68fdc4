import { Anchor, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useFormat } from '../lib/format';
import { useCurrency } from '../lib/queries';
import type { ReceiptListItem } from '../lib/types';
import { StatusBadge } from './status-badge';
import { TableScroll } from './table-scroll';

export function ReceiptsTable({
  items,
  linkTo,
}: {
  items: ReceiptListItem[];
  linkTo: (id: string) => string;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const { currency } = useCurrency();
  if (items.length === 0) return <Text c="dimmed">{t('receipts.none')}</Text>;
  return (
    <TableScroll label={t('receipts.title')}>
      <Table striped highlightOnHover verticalSpacing="xs" miw={720}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('receipts.receipt')}</Table.Th>
            <Table.Th>{t('receipts.when')}</Table.Th>
            <Table.Th>{t('receipts.customer')}</Table.Th>
            <Table.Th ta="right">{t('receipts.amount')}</Table.Th>
            <Table.Th ta="right">{t('receipts.paid')}</Table.Th>
            <Table.Th ta="right">{t('receipts.pointsSpentShort')}</Table.Th>
            <Table.Th ta="right">{t('receipts.pointsEarnedShort')}</Table.Th>
            <Table.Th>{t('common.status')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((r) => (
            <Table.Tr key={r.receiptId}>
              <Table.Td>
                <Anchor component={Link} to={linkTo(r.receiptId)} className="nowrap">
                  {r.receiptId}
                </Anchor>
              </Table.Td>
              <Table.Td className="nowrap">{f.dateTime(r.occurredAt)}</Table.Td>
              <Table.Td>
                {r.memberId ? (
                  <Anchor component={Link} to={`/admin/members/${r.memberId}`} size="sm">
                    {t('receipts.member')}
                  </Anchor>
                ) : (
                  <Text size="sm" c="dimmed">
                    {t('receipts.anonymous')}
                  </Text>
                )}
              </Table.Td>
              <Table.Td ta="right" className="nowrap">
                {f.money(r.amountMinor, currency)}
              </Table.Td>
              <Table.Td ta="right" className="nowrap">
                {f.money(r.payableMinor - r.refundedAmountMinor, currency)}
              </Table.Td>
              <Table.Td ta="right">{f.points(r.pointsSpent)}</Table.Td>
              <Table.Td ta="right">{f.points(r.pointsEarned)}</Table.Td>
              <Table.Td>
                <StatusBadge status={r.status} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}
