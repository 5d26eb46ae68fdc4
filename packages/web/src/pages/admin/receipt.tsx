import {
  Anchor,
  Button,
  Card,
  Group,
  NumberInput,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { EffectsList } from '../../components/effects-list';
import { ErrorAlert } from '../../components/error-alert';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { StatusBadge } from '../../components/status-badge';
import { TableScroll } from '../../components/table-scroll';
import { api } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { newClientId } from '../../lib/ids';
import { milliToQuantity } from '../../lib/quantity';
import { useCurrency } from '../../lib/queries';
import { refundableMilli } from '../../lib/refund';
import type { Receipt, RefundResult } from '../../lib/types';
import { hasScope, useMe } from '../../shell/staff-gate';

export function RefundPanel({ receipt, onDone }: { receipt: Receipt; onDone: (r: RefundResult) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { currency } = useCurrency();
  const [qty, setQty] = useState<Record<string, number | string>>({});
  const [refundId, setRefundId] = useState(() => newClientId('rf'));
  const [result, setResult] = useState<RefundResult | null>(null);
  const refund = useMutation({
    mutationFn: (lines: { lineId: string; quantity: string }[] | undefined) =>
      api.post<RefundResult>(`/v1/receipts/${encodeURIComponent(receipt.receiptId)}/refund`, {
        refundId,
        ...(lines ? { lines } : {}),
      }),
    onSuccess: (r) => {
      setResult(r);
      setQty({});
      setRefundId(newClientId('rf'));
      notifications.show({ color: 'teal', message: t('receipt.refunded') });
      onDone(r);
    },
  });
  const selected = receipt.lines
    .map((l) => ({ lineId: l.lineId, milli: Math.round(Number(qty[l.lineId] || 0) * 1000) }))
    .filter((l) => l.milli > 0)
    .map((l) => ({ lineId: l.lineId, quantity: milliToQuantity(l.milli) }));
  const open = receipt.lines.some((l) => refundableMilli(l) > 0) && receipt.status !== 'cancelled';
  if (!open && !result) return null;
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t('receipt.refundTitle')}
        </Title>
        {open && (
          <>
            <Text size="sm" c="dimmed">
              {t('receipt.refundHint')}
            </Text>
            <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
              {receipt.lines.map((l) => {
                const max = refundableMilli(l) / 1000;
                return (
                  <NumberInput
                    key={l.lineId}
                    label={`${l.sku || l.lineId} (${t('receipt.upTo', { max })})`}
                    min={0}
                    max={max}
                    decimalScale={3}
                    disabled={max === 0}
                    value={qty[l.lineId] ?? ''}
                    onChange={(v) => setQty({ ...qty, [l.lineId]: v })}
                  />
                );
              })}
            </SimpleGrid>
            {refund.isError && <ErrorAlert error={refund.error} />}
            <Group>
              <Button
                color="red"
                disabled={selected.length === 0}
                loading={refund.isPending}
                onClick={() => refund.mutate(selected)}
              >
                {t('receipt.refundSelected')}
              </Button>
              <Button
                color="red"
                variant="outline"
                loading={refund.isPending}
                onClick={() => refund.mutate(undefined)}
              >
                {t('receipt.refundAll')}
              </Button>
            </Group>
          </>
        )}
        {result && (
          <Text size="sm" role="status">
            {t('receipt.refundResult', {
              money: f.money(result.amountMinor, currency),
              returned: f.points(result.pointsReturned),
              revoked: f.points(result.pointsRevoked),
            })}
          </Text>
        )}
      </Stack>
    </Card>
  );
}

export function ReceiptLinesTable({ receipt }: { receipt: Receipt }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { currency } = useCurrency();
  return (
    <TableScroll label={t('receipt.linesTitle')}>
      <Table striped verticalSpacing="xs" miw={820}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('receipt.line')}</Table.Th>
            <Table.Th>{t('receipt.category')}</Table.Th>
            <Table.Th ta="right">{t('receipt.qty')}</Table.Th>
            <Table.Th ta="right">{t('receipts.amount')}</Table.Th>
            <Table.Th ta="right">{t('receipt.discount')}</Table.Th>
            <Table.Th ta="right">{t('receipt.byPoints')}</Table.Th>
            <Table.Th ta="right">{t('receipts.paid')}</Table.Th>
            <Table.Th ta="right">{t('receipt.earned')}</Table.Th>
            <Table.Th ta="right">{t('receipt.refundedQty')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {receipt.lines.map((l) => (
            <Table.Tr key={l.lineId}>
              <Table.Td>
                {l.sku || '—'}{' '}
                <Text span size="xs" c="dimmed">
                  #{l.lineId}
                </Text>
              </Table.Td>
              <Table.Td>{l.category || '—'}</Table.Td>
              <Table.Td ta="right">{l.quantity}</Table.Td>
              <Table.Td ta="right" className="nowrap">
                {f.money(l.amountMinor, currency)}
              </Table.Td>
              <Table.Td ta="right" className="nowrap">
                {f.money(l.discountMinor, currency)}
              </Table.Td>
              <Table.Td ta="right" className="nowrap">
                {f.points(l.pointsSpent)}
              </Table.Td>
              <Table.Td ta="right" className="nowrap">
                {f.money(l.payableMinor, currency)}
              </Table.Td>
              <Table.Td ta="right">{f.points(l.pointsEarned)}</Table.Td>
              <Table.Td ta="right">{l.refundedQuantity ?? '0'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}

export function ReceiptPage() {
  const { receiptId = '' } = useParams();
  const { t } = useTranslation();
  const f = useFormat();
  const { currency } = useCurrency();
  const me = useMe().data;
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: ['receipt', receiptId],
    queryFn: ({ signal }) => api.get<Receipt>(`/v1/receipts/${encodeURIComponent(receiptId)}`, signal),
  });
  return (
    <QueryState query={query}>
      {(r) => (
        <Stack>
          <PageHeader
            title={t('receipt.title', { id: r.receiptId })}
            description={
              <Group gap="xs" component="span">
                <StatusBadge status={r.status} />
                <span>{f.dateTime(r.occurredAt)}</span>
                {r.storeId && <span>· {r.storeId}</span>}
                {r.terminalId && <span>· {r.terminalId}</span>}
              </Group>
            }
          />
          <SimpleGrid cols={{ base: 2, md: 5 }}>
            {(
              [
                ['receipts.amount', f.money(r.totals.amountMinor, currency)],
                ['receipt.discount', f.money(r.totals.discountMinor, currency)],
                [
                  'receipt.byPoints',
                  `${f.points(r.totals.pointsSpent)} (${f.money(r.totals.pointsSpentMinor, currency)})`,
                ],
                ['receipts.paid', f.money(r.totals.payableMinor, currency)],
                ['receipt.earned', f.points(r.totals.pointsEarned)],
              ] as const
            ).map(([label, value]) => (
              <Card withBorder key={label} padding="sm">
                <Text size="xs" c="dimmed">
                  {t(label)}
                </Text>
                <Text fw={700}>{value}</Text>
              </Card>
            ))}
          </SimpleGrid>
          {r.memberId && (
            <Anchor component={Link} to={`/admin/members/${r.memberId}`}>
              {t('receipt.openMember')}
            </Anchor>
          )}
          <ReceiptLinesTable receipt={r} />
          <Card withBorder>
            <Title order={3} size="h5" mb="xs">
              {t('receipt.effects')}
            </Title>
            <EffectsList effects={r.effects} />
          </Card>
          {(r.refunds ?? []).length > 0 && (
            <Card withBorder>
              <Title order={3} size="h5" mb="xs">
                {t('receipt.refunds')}
              </Title>
              <Stack gap={4}>
                {(r.refunds ?? []).map((rf) => (
                  <Text size="sm" key={rf.refundId}>
                    {f.dateTime(rf.createdAt)} · {rf.refundId} ·{' '}
                    {t('receipt.refundResult', {
                      money: f.money(rf.amountMinor, currency),
                      returned: f.points(rf.pointsReturned),
                      revoked: f.points(rf.pointsRevoked),
                    })}
                  </Text>
                ))}
              </Stack>
            </Card>
          )}
          {hasScope(me, 'receipts:write') && (
            <RefundPanel
              receipt={r}
              onDone={() => {
                void queryClient.invalidateQueries({ queryKey: ['receipt', receiptId] });
                void queryClient.invalidateQueries({ queryKey: ['receipts'] });
                if (r.memberId) void queryClient.invalidateQueries({ queryKey: ['member', r.memberId] });
              }}
            />
          )}
        </Stack>
      )}
    </QueryState>
  );
}
