import {
  Badge,
  Button,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppModal } from '../../components/app-modal';
import { ErrorAlert } from '../../components/error-alert';
import { OptionalList } from '../../components/optional-list';
import { PageHeader } from '../../components/page-header';
import { api } from '../../lib/api';
import { useOptionalList } from '../../lib/api-paths';
import { useFormat } from '../../lib/format';
import {
  emptyPlanForm,
  FREE_DELIVERY,
  fromPlan,
  type PlanField,
  type PlanFormValues,
  type PlanProblem,
  toPlanBody,
} from '../../lib/plan-form';
import { useCurrency } from '../../lib/queries';
import type { MembershipPeriod, MembershipPlan } from '../../lib/types';
import { hasScope, useMe } from '../../shell/staff-gate';

export const PLANS_KEY = ['membership-plans'] as const;
const PERIODS: MembershipPeriod[] = ['month', 'year', 'lifetime'];

/** "5 % off · points ×2 · free delivery · dividend 10 %" */
export function describePlanBenefits(t: TFunction, plan: MembershipPlan): string {
  const parts: string[] = [];
  if (Number(plan.discountPercent) > 0)
    parts.push(t('plans.benefit.discount', { value: plan.discountPercent }));
  if (Number(plan.earnMultiplier) !== 1)
    parts.push(t('plans.benefit.multiplier', { value: plan.earnMultiplier }));
  if (plan.freeDelivery) parts.push(t('plans.benefit.freeDelivery'));
  if (plan.maxPointsPercent !== null)
    parts.push(t('plans.benefit.maxPoints', { value: plan.maxPointsPercent }));
  if (plan.dividendPercent !== null) parts.push(t('plans.benefit.dividend', { value: plan.dividendPercent }));
  for (const perk of plan.perks) if (perk !== FREE_DELIVERY) parts.push(perk);
  return parts.length > 0 ? parts.join(' · ') : t('plans.benefit.none');
}

// Inside the dialog: Mantine unmounts it on close, so each opening starts from the plan as stored.
function PlanForm({ plan, onDone }: { plan: MembershipPlan | null; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { digits, currency } = useCurrency();
  const symbol = useFormat().symbol(currency);
  const [v, setV] = useState<PlanFormValues>(() => (plan ? fromPlan(plan, digits) : emptyPlanForm()));
  const [problems, setProblems] = useState<PlanProblem[]>([]);
  const set = <K extends PlanField>(k: K, value: PlanFormValues[K]) => setV({ ...v, [k]: value });
  const err = (field: PlanField) => {
    const p = problems.find((x) => x.field === field);
    return p ? t(`plans.problem.${p.problem}`) : undefined;
  };
  const save = useMutation({
    mutationFn: (body: unknown) =>
      plan
        ? api.patch<MembershipPlan>(`/v1/membership-plans/${plan.planId}`, body)
        : api.post<MembershipPlan>('/v1/membership-plans', body),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: PLANS_KEY });
      notifications.show({ color: 'teal', message: t('common.saved') });
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = toPlanBody(v, { digits, isNew: plan === null });
    setProblems(r.problems);
    if (r.body) save.mutate(r.body);
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t('plans.name')}
            value={v.name}
            onChange={(e) => set('name', e.currentTarget.value)}
            error={err('name')}
            required
            data-autofocus
          />
          <TextInput
            label={t('plans.code')}
            description={plan ? t('plans.codeFixed') : t('plans.codeHint')}
            value={v.code}
            onChange={(e) => set('code', e.currentTarget.value)}
            error={err('code')}
            disabled={plan !== null}
            required
          />
        </SimpleGrid>
        <fieldset style={{ border: 0, padding: 0, margin: 0 }} disabled={plan !== null}>
          <Text component="legend" size="sm" fw={500} mb={4} p={0}>
            {t('plans.period')}
          </Text>
          <SegmentedControl
            fullWidth
            value={v.period}
            onChange={(p) => set('period', p as MembershipPeriod)}
            data={PERIODS.map((p) => ({ value: p, label: t(`plans.periods.${p}`) }))}
            disabled={plan !== null}
          />
          {plan && (
            <Text size="xs" c="dimmed" mt={4}>
              {t('plans.periodFixed')}
            </Text>
          )}
        </fieldset>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t('plans.price', { currency: symbol })}
            description={plan ? t('plans.priceHintEdit') : t('plans.priceHint')}
            value={v.price}
            onChange={(e) => set('price', e.currentTarget.value)}
            inputMode="decimal"
            error={err('price')}
            required
          />
          <NumberInput
            label={t('plans.trialDays')}
            description={t('plans.trialDaysHint')}
            value={v.trialDays}
            onChange={(n) => set('trialDays', n)}
            min={0}
            max={3650}
            allowDecimal={false}
            error={err('trialDays')}
          />
          <TextInput
            label={t('plans.discountPercent')}
            description={t('plans.discountPercentHint')}
            value={v.discountPercent}
            onChange={(e) => set('discountPercent', e.currentTarget.value)}
            inputMode="decimal"
            error={err('discountPercent')}
          />
          <TextInput
            label={t('plans.earnMultiplier')}
            description={t('plans.earnMultiplierHint')}
            value={v.earnMultiplier}
            onChange={(e) => set('earnMultiplier', e.currentTarget.value)}
            inputMode="decimal"
            error={err('earnMultiplier')}
          />
          <NumberInput
            label={t('plans.maxPointsPercent')}
            description={t('plans.maxPointsPercentHint')}
            value={v.maxPointsPercent}
            onChange={(n) => set('maxPointsPercent', n)}
            min={0}
            max={100}
            allowDecimal={false}
            error={err('maxPointsPercent')}
          />
          <TextInput
            label={t('plans.dividendPercent')}
            description={t('plans.dividendPercentHint')}
            value={v.dividendPercent}
            onChange={(e) => set('dividendPercent', e.currentTarget.value)}
            inputMode="decimal"
            error={err('dividendPercent')}
          />
          <NumberInput
            label={t('plans.renewalNoticeDays')}
            description={t('plans.renewalNoticeDaysHint')}
            value={v.renewalNoticeDays}
            onChange={(n) => set('renewalNoticeDays', n)}
            min={0}
            max={365}
            allowDecimal={false}
            error={err('renewalNoticeDays')}
          />
          {plan && (
            <Select
              label={t('common.status')}
              description={t('plans.archiveHint')}
              value={v.status}
              onChange={(s) => s && set('status', s as PlanFormValues['status'])}
              data={[
                { value: 'active', label: t('plans.state.active') },
                { value: 'archived', label: t('plans.state.archived') },
              ]}
              allowDeselect={false}
            />
          )}
        </SimpleGrid>
        <Switch
          label={t('plans.freeDelivery')}
          checked={v.freeDelivery}
          onChange={(e) => set('freeDelivery', e.currentTarget.checked)}
        />
        <TagsInput
          label={t('plans.perks')}
          description={t('plans.perksHint')}
          value={v.perks}
          onChange={(p) => set('perks', p)}
          error={err('perks')}
        />
        {save.isError && <ErrorAlert error={save.error} />}
        <Button type="submit" loading={save.isPending}>
          {plan ? t('common.save') : t('common.create')}
        </Button>
      </Stack>
    </form>
  );
}

export function MembershipPlansPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const { currency } = useCurrency();
  const me = useMe().data;
  const canWrite = hasScope(me, 'program:write');
  const [opened, { open, close }] = useDisclosure(false);
  const [editing, setEditing] = useState<MembershipPlan | null>(null);
  const { query, missing } = useOptionalList<MembershipPlan>(
    '/v1/membership-plans',
    '/v1/membership-plans',
    PLANS_KEY,
  );
  const openFor = (plan: MembershipPlan | null) => {
    setEditing(plan);
    open();
  };
  return (
    <Stack>
      <PageHeader
        title={t('plans.title')}
        description={t('plans.subtitle')}
        actions={canWrite && !missing && <Button onClick={() => openFor(null)}>{t('plans.new')}</Button>}
      />
      <OptionalList
        missing={missing}
        unavailable={t('plans.unavailable')}
        query={query}
        empty={t('plans.none')}
        label={t('plans.title')}
      >
        {(items) => (
          <Table striped verticalSpacing="xs" miw={720}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('plans.name')}</Table.Th>
                <Table.Th>{t('plans.priceColumn')}</Table.Th>
                <Table.Th>{t('plans.trialDays')}</Table.Th>
                <Table.Th>{t('plans.benefits')}</Table.Th>
                <Table.Th>{t('common.status')}</Table.Th>
                {canWrite && <Table.Th>{t('common.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((p) => (
                <Table.Tr key={p.planId}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {p.name}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {p.code}
                    </Text>
                  </Table.Td>
                  <Table.Td className="nowrap">
                    {t(`plans.pricePer.${p.period}`, { price: f.money(p.priceMinor, currency) })}
                  </Table.Td>
                  <Table.Td>{p.trialDays > 0 ? t('plans.trialShort', { count: p.trialDays }) : '—'}</Table.Td>
                  <Table.Td>{describePlanBenefits(t, p)}</Table.Td>
                  <Table.Td>
                    <Badge variant="filled" radius="sm" color={p.status === 'active' ? 'teal.9' : 'gray.7'}>
                      {t(`plans.state.${p.status as 'active'}`, { defaultValue: p.status })}
                    </Badge>
                  </Table.Td>
                  {canWrite && (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="light"
                        onClick={() => openFor(p)}
                        aria-label={t('plans.editFor', { name: p.name })}
                      >
                        {t('plans.edit')}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </OptionalList>
      <AppModal
        opened={opened}
        onClose={close}
        title={editing ? t('plans.editTitle', { name: editing.name }) : t('plans.new')}
        size="lg"
      >
        <PlanForm plan={editing} onDone={close} />
      </AppModal>
    </Stack>
  );
}
