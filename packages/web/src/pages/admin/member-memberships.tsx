import { Badge, Button, Card, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert';
import { QueryState } from '../../components/query-state';
import { TableScroll } from '../../components/table-scroll';
import { api } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { newClientId } from '../../lib/ids';
import { useCurrency } from '../../lib/queries';
import type { Membership, MembershipPlan, Page } from '../../lib/types';
import { hasScope, useMe } from '../../shell/staff-gate';
import { PLANS_KEY } from './memberships';

const LIVE = ['trial', 'active'];
const STATUS_COLORS: Record<string, string> = {
  trial: 'yellow.4',
  active: 'teal.9',
  cancelled: 'gray.7',
  expired: 'gray.7',
};

function SubscribeForm({ memberId, onDone }: { memberId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { currency } = useCurrency();
  const plans = useQuery({
    queryKey: PLANS_KEY,
    queryFn: ({ signal }) => api.get<Page<MembershipPlan>>('/v1/membership-plans', signal),
  });
  const [planId, setPlanId] = useState<string | null>(null);
  const [reference, setReference] = useState('');
  // One key per intended subscription: a retry after a lost answer cannot subscribe twice.
  const [key, setKey] = useState(() => newClientId('sub'));
  const subscribe = useMutation({
    mutationFn: () =>
      api.post<Membership>(
        `/v1/members/${memberId}/memberships`,
        { planId, ...(reference.trim() ? { paymentReference: reference.trim() } : {}) },
        { idempotencyKey: key },
      ),
    onSuccess: () => {
      notifications.show({ color: 'teal', message: t('memberPlans.subscribed') });
      setReference('');
      setPlanId(null);
      setKey(newClientId('sub'));
      onDone();
    },
  });
  const active = (plans.data?.items ?? []).filter((p) => p.status === 'active');
  const plan = active.find((p) => p.planId === planId);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (planId) subscribe.mutate();
  };
  if (plans.isSuccess && active.length === 0) return <Text c="dimmed">{t('memberPlans.noPlans')}</Text>;
  return (
    <form onSubmit={submit}>
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t('memberPlans.subscribe')}
        </Title>
        <Group align="flex-start" grow wrap="wrap">
          <Select
            label={t('memberPlans.plan')}
            value={planId}
            onChange={setPlanId}
            data={active.map((p) => ({
              value: p.planId,
              label: `${p.name} · ${t(`plans.pricePer.${p.period}`, { price: f.money(p.priceMinor, currency) })}`,
            }))}
            required
            miw={220}
          />
          <TextInput
            label={t('memberPlans.paymentReference')}
            description={
              plan && plan.trialDays > 0
                ? t('memberPlans.referenceTrial', { count: plan.trialDays })
                : t('memberPlans.referenceHint')
            }
            value={reference}
            onChange={(e) => setReference(e.currentTarget.value)}
            required={!plan || plan.trialDays === 0}
            miw={220}
          />
        </Group>
        {subscribe.isError && <ErrorAlert error={subscribe.error} />}
        <Group>
          <Button
            type="submit"
            loading={subscribe.isPending}
            disabled={!planId || (plan?.trialDays === 0 && !reference.trim())}
          >
            {t('memberPlans.subscribeSubmit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function MembershipCard({
  membership: m,
  canWrite,
  onChanged,
}: {
  membership: Membership;
  canWrite: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const { currency } = useCurrency();
  const [reference, setReference] = useState('');
  const [key, setKey] = useState(() => newClientId('renew'));
  const base = `/v1/members/${m.memberId}/memberships/${m.membershipId}`;
  const renew = useMutation({
    mutationFn: () =>
      api.post<Membership>(
        `${base}/renewals`,
        { paymentReference: reference.trim() },
        { idempotencyKey: key },
      ),
    onSuccess: () => {
      notifications.show({ color: 'teal', message: t('memberPlans.renewed') });
      setReference('');
      setKey(newClientId('renew'));
      onChanged();
    },
  });
  const cancel = useMutation({
    mutationFn: () => api.post<Membership>(`${base}/cancel`, { atPeriodEnd: true }),
    onSuccess: onChanged,
  });
  const live = LIVE.includes(m.status);
  return (
    <Card withBorder data-testid="membership">
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap">
          <Title order={3} size="h5">
            {m.planName}
          </Title>
          <Group gap="xs">
            <Badge variant="filled" radius="sm" color={STATUS_COLORS[m.status] ?? 'gray.7'} autoContrast>
              {t(`memberPlans.status.${m.status as 'active'}`, { defaultValue: m.status })}
            </Badge>
            <Badge variant="outline" radius="sm" color={m.benefitsActive ? 'teal.9' : 'gray.7'}>
              {m.benefitsActive ? t('memberPlans.benefitsOn') : t('memberPlans.benefitsOff')}
            </Badge>
          </Group>
        </Group>
        <Text size="sm">
          {m.currentPeriodEnd
            ? t('memberPlans.period', { from: f.date(m.currentPeriodStart), to: f.date(m.currentPeriodEnd) })
            : t('memberPlans.lifetime', { from: f.date(m.currentPeriodStart) })}
          {m.cancelAtPeriodEnd &&
            m.currentPeriodEnd &&
            ` · ${t('memberPlans.endsAt', { date: f.date(m.currentPeriodEnd) })}`}
        </Text>
        {m.payments.length > 0 && (
          <TableScroll label={t('memberPlans.paymentsOf', { name: m.planName })}>
            <Table miw={480} verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('memberPlans.paidAt')}</Table.Th>
                  <Table.Th>{t('memberPlans.kind')}</Table.Th>
                  <Table.Th>{t('memberPlans.amount')}</Table.Th>
                  <Table.Th>{t('memberPlans.paymentReference')}</Table.Th>
                  <Table.Th>{t('memberPlans.dividend')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {m.payments.map((p) => (
                  <Table.Tr key={p.paymentId}>
                    <Table.Td className="nowrap">{f.date(p.paidAt)}</Table.Td>
                    <Table.Td>
                      {t(`memberPlans.paymentKind.${p.kind as 'subscribe'}`, { defaultValue: p.kind })}
                    </Table.Td>
                    <Table.Td className="nowrap">{f.money(p.amountMinor, currency)}</Table.Td>
                    <Table.Td>{p.paymentReference ?? '—'}</Table.Td>
                    <Table.Td>{p.dividendPoints > 0 ? f.points(p.dividendPoints) : '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        )}
        {canWrite && live && (
          <Group align="flex-end" wrap="wrap">
            {m.currentPeriodEnd && (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  if (reference.trim()) renew.mutate();
                }}
              >
                <Group align="flex-end" gap="xs">
                  <TextInput
                    size="sm"
                    label={t('memberPlans.renewReference')}
                    value={reference}
                    onChange={(e) => setReference(e.currentTarget.value)}
                  />
                  <Button
                    type="submit"
                    variant="light"
                    loading={renew.isPending}
                    disabled={!reference.trim()}
                  >
                    {t('memberPlans.renew')}
                  </Button>
                </Group>
              </form>
            )}
            {!m.cancelAtPeriodEnd && (
              <Button
                variant="outline"
                color="red"
                loading={cancel.isPending}
                onClick={() => {
                  if (window.confirm(t('memberPlans.cancelConfirm', { name: m.planName }))) cancel.mutate();
                }}
              >
                {t('memberPlans.cancel')}
              </Button>
            )}
          </Group>
        )}
        {renew.isError && <ErrorAlert error={renew.error} />}
        {cancel.isError && <ErrorAlert error={cancel.error} />}
      </Stack>
    </Card>
  );
}

/** The member's paid memberships (newest first) with their payments; subscribe, renew, cancel. */
export function MemberMemberships({ memberId, canSubscribe }: { memberId: string; canSubscribe: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const canWrite = hasScope(useMe().data, 'memberships:write');
  const query = useQuery({
    queryKey: ['member', memberId, 'memberships'],
    queryFn: ({ signal }) => api.get<Page<Membership>>(`/v1/members/${memberId}/memberships`, signal),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['member', memberId] });
  return (
    <QueryState query={query}>
      {(page) => (
        <Stack>
          {page.items.length === 0 && <Text c="dimmed">{t('memberPlans.none')}</Text>}
          {page.items.map((m) => (
            <MembershipCard key={m.membershipId} membership={m} canWrite={canWrite} onChanged={refresh} />
          ))}
          {canWrite && canSubscribe && !page.items.some((m) => LIVE.includes(m.status)) && (
            <Card withBorder>
              <SubscribeForm memberId={memberId} onDone={refresh} />
            </Card>
          )}
        </Stack>
      )}
    </QueryState>
  );
}
