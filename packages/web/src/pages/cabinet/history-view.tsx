import { Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { QueryState } from '../../components/query-state';
import { api } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { historyKindLabel } from '../../lib/history-kinds';
import type { CabinetProfile, HistoryEntry, Page, ReceiptListItem } from '../../lib/types';

export function HistoryView({ profile }: { profile: CabinetProfile }) {
  const { t } = useTranslation();
  const f = useFormat();
  const history = useQuery({
    queryKey: ['cabinet', 'history'],
    queryFn: ({ signal }) => api.get<Page<HistoryEntry>>('/v1/cabinet/history?limit=100', signal),
  });
  const receipts = useQuery({
    queryKey: ['cabinet', 'receipts'],
    queryFn: ({ signal }) => api.get<Page<ReceiptListItem>>('/v1/cabinet/receipts?limit=50', signal),
  });
  return (
    <Stack>
      <Card withBorder radius="lg" padding="md">
        <Title order={2} size="h4" mb="sm">
          {t('cabinet.pointsHistory')}
        </Title>
        <QueryState query={history}>
          {(p) =>
            p.items.length === 0 ? (
              <Text c="dimmed">{t('history.empty')}</Text>
            ) : (
              <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {p.items.map((e) => (
                  <Group key={e.entryId} justify="space-between" wrap="nowrap" component="li">
                    <div>
                      <Text size="sm">
                        {historyKindLabel(t, e.kind)}
                        {e.bucket === 'pending' && ` (${t('history.pending')})`}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {f.dateTime(e.at)}
                      </Text>
                    </div>
                    <Text fw={700} c={e.points < 0 ? 'red.9' : 'teal.9'} className="nowrap">
                      {e.points > 0 ? '+' : ''}
                      {f.points(e.points)}
                    </Text>
                  </Group>
                ))}
              </Stack>
            )
          }
        </QueryState>
      </Card>
      <Card withBorder radius="lg" padding="md">
        <Title order={2} size="h4" mb="sm">
          {t('cabinet.purchases')}
        </Title>
        <QueryState query={receipts}>
          {(p) =>
            p.items.length === 0 ? (
              <Text c="dimmed">{t('cabinet.noPurchases')}</Text>
            ) : (
              <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {p.items.map((r) => (
                  <Group key={r.receiptId} justify="space-between" wrap="nowrap" component="li">
                    <div>
                      <Text size="sm">{f.dateTime(r.occurredAt)}</Text>
                      <Text size="xs" c="dimmed">
                        {[
                          r.pointsEarned > 0 && t('cabinet.earned', { points: f.points(r.pointsEarned) }),
                          r.pointsSpent > 0 && t('cabinet.spent', { points: f.points(r.pointsSpent) }),
                          r.status !== 'confirmed' && t(`status.${r.status as 'refunded'}`),
                        ]
                          .filter(Boolean)
                          .join(' · ')}
                      </Text>
                    </div>
                    <Text fw={600} className="nowrap">
                      {f.money(r.payableMinor - r.refundedAmountMinor, profile.program.currency)}
                    </Text>
                  </Group>
                ))}
              </Stack>
            )
          }
        </QueryState>
      </Card>
    </Stack>
  );
}
