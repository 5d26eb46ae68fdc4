import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  NumberInput,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ErrorAlert } from '../../components/error-alert';
import { HistoryTable } from '../../components/history-table';
import { memberDisplayName } from '../../components/member-name';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { ReceiptsTable } from '../../components/receipts-table';
import { StatusBadge } from '../../components/status-badge';
import { TableScroll } from '../../components/table-scroll';
import { TierProgressView } from '../../components/tier-progress';
import { api, qs } from '../../lib/api';
import { useHasEndpoint } from '../../lib/api-paths';
import { downloadJson } from '../../lib/download';
import { groupExpiringByDay } from '../../lib/expiring';
import { useFormat } from '../../lib/format';
import { newClientId } from '../../lib/ids';
import { useCurrency } from '../../lib/queries';
import type {
  Coupon,
  HistoryEntry,
  Member,
  MemberBalance,
  Page,
  ReceiptListItem,
  TierProgress,
} from '../../lib/types';
import { hasScope, useMe } from '../../shell/staff-gate';
import { MemberMemberships } from './member-memberships';
import { MergeMemberButton } from './member-merge';

function Field({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <Group justify="space-between" wrap="nowrap" gap="xs">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="sm" ta="right" style={{ overflowWrap: 'anywhere' }}>
        {value || '—'}
      </Text>
    </Group>
  );
}

function AdjustmentForm({ memberId, onDone }: { memberId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [points, setPoints] = useState<number | string>('');
  const [reason, setReason] = useState('');
  // One key per intended adjustment: a retry after a lost answer cannot add the points twice.
  const [key, setKey] = useState(() => newClientId('adj'));
  const adjust = useMutation({
    mutationFn: () =>
      api.post(
        `/v1/members/${memberId}/adjustments`,
        { points: Number(points), reason: reason.trim() },
        { idempotencyKey: key },
      ),
    onSuccess: () => {
      notifications.show({ color: 'teal', message: t('member.adjusted') });
      setPoints('');
      setReason('');
      setKey(newClientId('adj'));
      onDone();
    },
  });
  const valid = Number.isInteger(Number(points)) && Number(points) !== 0 && reason.trim() !== '';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (valid) adjust.mutate();
  };
  return (
    <Card withBorder>
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Title order={3} size="h5">
            {t('member.adjustTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('member.adjustHint')}
          </Text>
          <NumberInput
            label={t('member.adjustPoints')}
            value={points}
            onChange={setPoints}
            allowDecimal={false}
            required
          />
          <TextInput
            label={t('member.adjustReason')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            required
            maxLength={500}
          />
          {adjust.isError && <ErrorAlert error={adjust.error} />}
          <Button type="submit" disabled={!valid} loading={adjust.isPending}>
            {t('member.adjustSubmit')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}

type TimelineItem = {
  at?: string;
  occurredAt?: string;
  type?: string;
  kind?: string;
  summary?: string;
  description?: string;
};

export function MemberPage() {
  const { memberId = '' } = useParams();
  const { t } = useTranslation();
  const f = useFormat();
  const me = useMe().data;
  const queryClient = useQueryClient();
  const canWrite = hasScope(me, 'members:write');
  const member = useQuery({
    queryKey: ['member', memberId],
    queryFn: ({ signal }) => api.get<Member>(`/v1/members/${memberId}`, signal),
  });
  const balance = useQuery({
    queryKey: ['member', memberId, 'balance'],
    queryFn: ({ signal }) => api.get<MemberBalance>(`/v1/members/${memberId}/balance`, signal),
  });
  const history = useQuery({
    queryKey: ['member', memberId, 'history'],
    queryFn: ({ signal }) => api.get<Page<HistoryEntry>>(`/v1/members/${memberId}/history?limit=100`, signal),
  });
  const receipts = useQuery({
    queryKey: ['member', memberId, 'receipts'],
    queryFn: ({ signal }) =>
      api.get<Page<ReceiptListItem>>(`/v1/receipts${qs({ memberId, limit: 100 })}`, signal),
  });
  const hasTimeline = useHasEndpoint('GET', '/v1/members/{memberId}/timeline');
  const timeline = useQuery({
    queryKey: ['member', memberId, 'timeline'],
    queryFn: ({ signal }) =>
      api.get<Page<TimelineItem>>(`/v1/members/${memberId}/timeline?limit=100`, signal),
    enabled: hasTimeline === true,
    retry: false,
  });
  const hasTier = useHasEndpoint('GET', '/v1/members/{memberId}/tier');
  const tier = useQuery({
    queryKey: ['member', memberId, 'tier'],
    queryFn: ({ signal }) => api.get<TierProgress>(`/v1/members/${memberId}/tier`, signal),
    enabled: hasTier === true && hasScope(me, 'tiers:read'),
  });
  const hasCoupons = useHasEndpoint('GET', '/v1/members/{memberId}/coupons');
  const coupons = useQuery({
    queryKey: ['member', memberId, 'coupons'],
    queryFn: ({ signal }) => api.get<Page<Coupon>>(`/v1/members/${memberId}/coupons`, signal),
    enabled: hasCoupons === true,
  });
  const hasMemberships = useHasEndpoint('GET', '/v1/members/{memberId}/memberships');
  const showMemberships = hasMemberships === true && hasScope(me, 'memberships:read');
  const { currency } = useCurrency();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['member', memberId] });
  const canErase = useHasEndpoint('POST', '/v1/members/{memberId}/erase');
  const canExport = useHasEndpoint('GET', '/v1/members/{memberId}/export');
  const canMerge = useHasEndpoint('POST', '/v1/members/{memberId}/merge');
  const exportData = useMutation({
    mutationFn: async () =>
      downloadJson(await api.get(`/v1/members/${memberId}/export`), `member-${memberId}.json`),
  });
  const erase = useMutation({
    mutationFn: () => api.post<Member>(`/v1/members/${memberId}/erase`, {}),
    onSuccess: () => void refresh(),
  });
  const setStatus = useMutation({
    mutationFn: (action: 'block' | 'unblock') => api.post<Member>(`/v1/members/${memberId}/${action}`, {}),
    onSuccess: () => void refresh(),
  });

  return (
    <QueryState query={member}>
      {(m) => (
        <Stack>
          <PageHeader
            title={memberDisplayName(m)}
            description={
              <Group gap="xs" component="span">
                <StatusBadge status={m.status} />
                {balance.data?.tier && <Badge variant="outline">{balance.data.tier.name}</Badge>}
              </Group>
            }
            actions={
              <>
                {canExport && (
                  <Button variant="light" loading={exportData.isPending} onClick={() => exportData.mutate()}>
                    {t('member.export')}
                  </Button>
                )}
                {canWrite && canMerge && (m.status === 'active' || m.status === 'blocked') && (
                  <MergeMemberButton survivor={m} />
                )}
                {canWrite && m.status !== 'anonymized' && m.status !== 'merged' && (
                  <Button
                    color={m.status === 'blocked' ? 'teal' : 'red'}
                    variant="outline"
                    loading={setStatus.isPending}
                    onClick={() => setStatus.mutate(m.status === 'blocked' ? 'unblock' : 'block')}
                  >
                    {m.status === 'blocked' ? t('member.unblock') : t('member.block')}
                  </Button>
                )}
                {canWrite && canErase && m.status !== 'anonymized' && m.status !== 'merged' && (
                  <Button
                    color="red"
                    variant="subtle"
                    loading={erase.isPending}
                    onClick={() => {
                      if (window.confirm(t('member.eraseConfirm'))) erase.mutate();
                    }}
                  >
                    {t('member.erase')}
                  </Button>
                )}
              </>
            }
          />
          {m.status === 'merged' && m.mergedInto && (
            <Alert color="gray" variant="light">
              {t('merge.mergedNotice')}{' '}
              <Anchor component={Link} to={`/admin/members/${m.mergedInto}`}>
                {t('merge.openSurvivor')}
              </Anchor>
            </Alert>
          )}
          {setStatus.isError && <ErrorAlert error={setStatus.error} />}
          {erase.isError && <ErrorAlert error={erase.error} />}
          {exportData.isError && <ErrorAlert error={exportData.error} />}
          <SimpleGrid cols={{ base: 1, md: 3 }}>
            <Card withBorder>
              <Title order={3} size="h5" mb="sm">
                {t('member.profile')}
              </Title>
              <Stack gap={6}>
                <Field label={t('common.phone')} value={m.phone} />
                <Field label={t('common.email')} value={m.email} />
                <Field label={t('members.card')} value={m.cardNumber} />
                <Field
                  label={t('member.birthDate')}
                  value={m.birthDate ? f.date(`${m.birthDate}T12:00:00Z`) : null}
                />
                <Field label={t('members.since')} value={f.date(m.createdAt)} />
                <Field label={t('member.tags')} value={m.tags.join(', ')} />
                {m.statusReason && <Field label={t('member.statusReason')} value={m.statusReason} />}
              </Stack>
            </Card>
            <Card withBorder>
              <Title order={3} size="h5" mb="sm">
                {t('member.balance')}
              </Title>
              <QueryState query={balance}>
                {(b) => (
                  <Stack gap={6}>
                    <Text fz={32} fw={700} lh={1.2}>
                      {f.points(b.points.available)}{' '}
                      <Text span size="sm" c="dimmed">
                        {t('common.pointsUnit')}
                      </Text>
                    </Text>
                    <Field label={t('member.pending')} value={f.points(b.points.pending)} />
                    {tier.data && <TierProgressView progress={tier.data} currency={currency} />}
                    <Text size="sm" fw={600} mt="xs">
                      {t('member.expiring')}
                    </Text>
                    {b.points.expiring.length === 0 ? (
                      <Text size="sm" c="dimmed">
                        {t('member.noExpiry')}
                      </Text>
                    ) : (
                      <List size="sm">
                        {groupExpiringByDay(b.points.expiring)
                          .slice(0, 5)
                          .map((e) => (
                            <List.Item key={e.expiresAt}>
                              {t('member.expiresOn', {
                                points: f.points(e.points),
                                date: f.date(e.expiresAt),
                              })}
                            </List.Item>
                          ))}
                      </List>
                    )}
                  </Stack>
                )}
              </QueryState>
            </Card>
            <Card withBorder>
              <Title order={3} size="h5" mb="sm">
                {t('member.consents')}
              </Title>
              {(m.consents ?? []).length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('member.noConsents')}
                </Text>
              ) : (
                <Stack gap={6}>
                  {(m.consents ?? []).map((c) => (
                    <Field
                      key={`${c.purpose}-${c.channel}`}
                      label={
                        t(`consent.${c.purpose}`) +
                        (c.channel !== 'any' ? ` · ${t(`consent.channel.${c.channel}`)}` : '')
                      }
                      value={`${c.granted ? t('consent.granted') : t('consent.withdrawn')} · ${f.date(c.updatedAt)}`}
                    />
                  ))}
                </Stack>
              )}
            </Card>
          </SimpleGrid>
          {hasScope(me, 'ledger:write') && m.status !== 'anonymized' && (
            <AdjustmentForm memberId={m.memberId} onDone={() => void refresh()} />
          )}
          <Tabs defaultValue="history" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="history">{t('member.history')}</Tabs.Tab>
              <Tabs.Tab value="receipts">{t('nav.receipts')}</Tabs.Tab>
              {timeline.isSuccess && <Tabs.Tab value="timeline">{t('member.timeline')}</Tabs.Tab>}
              {coupons.isSuccess && <Tabs.Tab value="coupons">{t('member.coupons')}</Tabs.Tab>}
              {showMemberships && <Tabs.Tab value="memberships">{t('member.memberships')}</Tabs.Tab>}
            </Tabs.List>
            <Tabs.Panel value="history" pt="sm">
              <QueryState query={history}>
                {(p) => (
                  <HistoryTable
                    items={p.items}
                    receiptLink={(id) => `/admin/receipts/${encodeURIComponent(id)}`}
                  />
                )}
              </QueryState>
            </Tabs.Panel>
            <Tabs.Panel value="receipts" pt="sm">
              <QueryState query={receipts}>
                {(p) => (
                  <ReceiptsTable
                    items={p.items}
                    linkTo={(id) => `/admin/receipts/${encodeURIComponent(id)}`}
                  />
                )}
              </QueryState>
            </Tabs.Panel>
            {coupons.isSuccess && (
              <Tabs.Panel value="coupons" pt="sm">
                {coupons.data.items.length === 0 ? (
                  <Text c="dimmed">{t('member.noCoupons')}</Text>
                ) : (
                  <List size="sm">
                    {coupons.data.items.map((c) => (
                      <List.Item key={c.code}>
                        <Text span ff="monospace">
                          {c.code}
                        </Text>
                        {` · ${c.uses}${c.maxUses !== null ? `/${c.maxUses}` : ''}`}
                        {c.status !== 'active' ? ` · ${c.status}` : ''}
                        {c.endsAt ? ` · ${t('member.couponUntil', { date: f.date(c.endsAt) })}` : ''}
                      </List.Item>
                    ))}
                  </List>
                )}
              </Tabs.Panel>
            )}
            {showMemberships && (
              <Tabs.Panel value="memberships" pt="sm">
                <MemberMemberships memberId={m.memberId} canSubscribe={m.status === 'active'} />
              </Tabs.Panel>
            )}
            {timeline.isSuccess && (
              <Tabs.Panel value="timeline" pt="sm">
                <TableScroll label={t('member.timeline')}>
                  <Table miw={560}>
                    <Table.Tbody>
                      {timeline.data.items.map((item, i) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: timeline items have no common id field
                        <Table.Tr key={i}>
                          <Table.Td className="nowrap">{f.dateTime(item.at ?? item.occurredAt)}</Table.Td>
                          <Table.Td>{item.type ?? item.kind}</Table.Td>
                          <Table.Td>{item.summary ?? item.description ?? ''}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </TableScroll>
              </Tabs.Panel>
            )}
          </Tabs>
          <Anchor component={Link} to="/admin/members" size="sm">
            ← {t('members.title')}
          </Anchor>
        </Stack>
      )}
    </QueryState>
  );
}
