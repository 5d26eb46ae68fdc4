import { AreaChart, BarChart, LineChart } from '@mantine/charts';
import { Card, Group, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { api, qs } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { currencyDigits } from '../../lib/money';
import { type PeriodDays, periodRange } from '../../lib/periods';
import type { Dashboard } from '../../lib/types';
import { hasScope, useMe } from '../../shell/staff-gate';

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <Card withBorder padding="md" radius="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fw={700} fz={26} lh={1.3}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Card>
  );
}

function ChartCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card withBorder padding="md" radius="md">
      <Title order={3} size="h5" mb="sm">
        {title}
      </Title>
      {children}
    </Card>
  );
}

export function DashboardPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const [days, setDays] = useState<PeriodDays>(30);
  const range = periodRange(days);
  const me = useMe().data;
  const allowed = hasScope(me, 'analytics:read');
  const query = useQuery({
    queryKey: ['dashboard', days, range.to],
    queryFn: ({ signal }) => api.get<Dashboard>(`/v1/analytics/dashboard${qs(range)}`, signal),
    enabled: allowed,
  });
  // Roles without figures (support, cashier) start on the members list instead.
  if (me && !allowed)
    return <Navigate to={hasScope(me, 'members:read') ? '/admin/members' : '/cashier'} replace />;

  return (
    <Stack>
      <PageHeader
        title={t('dashboard.title')}
        actions={
          <SegmentedControl
            aria-label={t('dashboard.period')}
            value={String(days)}
            onChange={(v) => setDays(Number(v) as PeriodDays)}
            data={([7, 30, 90, 365] as const).map((d) => ({
              value: String(d),
              label: t('dashboard.days', { count: d }),
            }))}
          />
        }
      />
      <QueryState query={query}>
        {(d) => {
          const money = (minor: number) => f.money(minor, d.currency);
          const unit = 10 ** currencyDigits(d.currency);
          const series = d.series.map((s) => ({
            date: f.day(s.date),
            [t('dashboard.members')]: s.revenueMembersMinor / unit,
            [t('dashboard.anonymous')]: s.revenueAnonymousMinor / unit,
            [t('dashboard.receiptsMembers')]: s.receiptsMembers,
            [t('dashboard.receiptsAnonymous')]: s.receiptsAnonymous,
            [t('dashboard.issued')]: s.pointsIssued,
            [t('dashboard.spent')]: s.pointsSpent,
            [t('dashboard.expired')]: s.pointsExpired,
            [t('dashboard.newMembers')]: s.newMembers,
          }));
          return (
            <Stack>
              <Title order={3} size="h4">
                {t('dashboard.membersTitle')}
              </Title>
              <SimpleGrid cols={{ base: 2, lg: 4 }}>
                <Stat label={t('dashboard.membersTotal')} value={f.number(d.members.total)} />
                <Stat
                  label={t('dashboard.newMembers')}
                  value={f.number(d.members.newInPeriod)}
                  hint={t('dashboard.inPeriod')}
                />
                <Stat label={t('dashboard.active30')} value={f.number(d.members.active30)} />
                <Stat label={t('dashboard.active90')} value={f.number(d.members.active90)} />
              </SimpleGrid>
              <Title order={3} size="h4">
                {t('dashboard.salesTitle')}
              </Title>
              <SimpleGrid cols={{ base: 1, xs: 2, lg: 3 }}>
                <Stat
                  label={t('dashboard.revenueMembers')}
                  value={money(d.receipts.members.revenueMinor)}
                  hint={t('dashboard.receiptsCount', { count: d.receipts.members.receipts })}
                />
                <Stat
                  label={t('dashboard.revenueAnonymous')}
                  value={money(d.receipts.anonymous.revenueMinor)}
                  hint={t('dashboard.receiptsCount', { count: d.receipts.anonymous.receipts })}
                />
                <Stat
                  label={t('dashboard.avgCheck')}
                  value={`${money(d.receipts.members.avgCheckMinor)} / ${money(d.receipts.anonymous.avgCheckMinor)}`}
                  hint={t('dashboard.avgCheckHint')}
                />
              </SimpleGrid>
              <Title order={3} size="h4">
                {t('dashboard.pointsTitle')}
              </Title>
              <SimpleGrid cols={{ base: 2, lg: 5 }}>
                <Stat
                  label={t('dashboard.issued')}
                  value={f.points(d.points.issued)}
                  hint={t('dashboard.issuedHint', {
                    adjusted: `${d.points.adjusted >= 0 ? '+' : ''}${f.points(d.points.adjusted)}`,
                  })}
                />
                <Stat
                  label={t('dashboard.spent')}
                  value={f.points(d.points.spent)}
                  hint={t('dashboard.inPeriod')}
                />
                <Stat
                  label={t('dashboard.expired')}
                  value={f.points(d.points.expired)}
                  hint={t('dashboard.inPeriod')}
                />
                <Stat
                  label={t('dashboard.outstanding')}
                  value={f.points(d.points.outstanding + d.points.pending)}
                  hint={t('dashboard.outstandingHint', { pending: f.points(d.points.pending) })}
                />
                <Stat
                  label={t('dashboard.liability')}
                  value={money(d.points.liabilityMinor)}
                  hint={t('dashboard.liabilityHint')}
                />
              </SimpleGrid>
              <SimpleGrid cols={{ base: 1, lg: 2 }}>
                <ChartCard title={t('dashboard.revenueChart')}>
                  <AreaChart
                    h={240}
                    data={series}
                    dataKey="date"
                    type="stacked"
                    valueFormatter={(v) => f.money(Math.round(v * unit), d.currency)}
                    series={[
                      { name: t('dashboard.members'), color: 'teal.7' },
                      { name: t('dashboard.anonymous'), color: 'gray.6' },
                    ]}
                    withLegend
                  />
                </ChartCard>
                <ChartCard title={t('dashboard.receiptsChart')}>
                  <BarChart
                    h={240}
                    data={series}
                    dataKey="date"
                    type="stacked"
                    yAxisProps={{ allowDecimals: false }}
                    series={[
                      { name: t('dashboard.receiptsMembers'), color: 'teal.7' },
                      { name: t('dashboard.receiptsAnonymous'), color: 'gray.6' },
                    ]}
                    withLegend
                  />
                </ChartCard>
                <ChartCard title={t('dashboard.pointsChart')}>
                  <LineChart
                    h={240}
                    data={series}
                    dataKey="date"
                    series={[
                      { name: t('dashboard.issued'), color: 'teal.7' },
                      { name: t('dashboard.spent'), color: 'indigo.7' },
                      { name: t('dashboard.expired'), color: 'red.7' },
                    ]}
                    withLegend
                    yAxisProps={{ allowDecimals: false }}
                    curveType="monotone"
                  />
                </ChartCard>
                <ChartCard title={t('dashboard.membersChart')}>
                  <BarChart
                    h={240}
                    data={series}
                    dataKey="date"
                    yAxisProps={{ allowDecimals: false }}
                    series={[{ name: t('dashboard.newMembers'), color: 'teal.7' }]}
                  />
                </ChartCard>
              </SimpleGrid>
              <Group>
                <Text size="xs" c="dimmed">
                  {t('dashboard.footnote', { tz: d.timezone })}
                </Text>
              </Group>
            </Stack>
          );
        }}
      </QueryState>
    </Stack>
  );
}
