import {
  Anchor,
  Button,
  Card,
  Chip,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { ErrorAlert } from '../../components/error-alert';
import { OptionalDateTime } from '../../components/optional-date-time';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { api } from '../../lib/api';
import {
  type CampaignFormValues,
  type EffectType,
  emptyCampaignForm,
  type FormProblem,
  fromCampaign,
  toCampaignBody,
} from '../../lib/campaign-form';
import { useFormat } from '../../lib/format';
import { useCurrency } from '../../lib/queries';
import { simulateDaysFrom } from '../../lib/simulation';
import type { Campaign } from '../../lib/types';
import { hasScope, useMe } from '../../shell/staff-gate';
import { CampaignSimulationCard } from './campaign-simulation';
import { CAMPAIGN_STATUSES } from './campaigns';

const DAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;

function CampaignForm({ initial, campaignId }: { initial: CampaignFormValues; campaignId: string | null }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const { digits, currency } = useCurrency();
  const symbol = useFormat().symbol(currency);
  const canWrite = hasScope(useMe().data, 'campaigns:write');
  const [v, setV] = useState<CampaignFormValues>(initial);
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const set = <K extends keyof CampaignFormValues>(k: K, value: CampaignFormValues[K]) =>
    setV({ ...v, [k]: value });
  const err = (field: keyof CampaignFormValues) => {
    const p = problems.find((x) => x.field === field);
    return p ? t(`campaigns.problem.${p.problem}`) : undefined;
  };
  const save = useMutation({
    mutationFn: (body: unknown) =>
      campaignId
        ? api.patch<Campaign>(`/v1/campaigns/${campaignId}`, body)
        : api.post<Campaign>('/v1/campaigns', body),
    onSuccess: (c) => {
      void queryClient.invalidateQueries({ queryKey: ['campaigns'] });
      notifications.show({ color: 'teal', message: t('common.saved') });
      void navigate(`/admin/campaigns`);
      return c;
    },
  });
  const remove = useMutation({
    mutationFn: () => api.delete(`/v1/campaigns/${campaignId}`),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['campaigns'] });
      void navigate('/admin/campaigns');
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = toCampaignBody(v, digits);
    setProblems(r.problems);
    if (r.body) save.mutate(r.body);
  };
  const unsaved = JSON.stringify(v) !== JSON.stringify(initial);
  return (
    <>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Card withBorder>
            <Stack gap="sm">
              <TextInput
                label={t('common.name')}
                value={v.name}
                onChange={(e) => set('name', e.currentTarget.value)}
                error={err('name')}
                required
              />
              <SimpleGrid cols={{ base: 1, sm: 3 }}>
                <Select
                  label={t('common.status')}
                  value={v.status}
                  onChange={(s) => s && set('status', s as CampaignFormValues['status'])}
                  data={CAMPAIGN_STATUSES.map((s) => ({ value: s, label: t(`campaigns.state.${s}`) }))}
                  allowDeselect={false}
                  description={
                    campaignId && initial.status !== 'active' && v.status === 'active'
                      ? t('simulation.beforeActivating')
                      : undefined
                  }
                />
                <NumberInput
                  label={t('campaigns.priority')}
                  description={t('campaigns.priorityHint')}
                  value={v.priority}
                  onChange={(n) => set('priority', typeof n === 'number' ? n : 0)}
                  allowDecimal={false}
                />
              </SimpleGrid>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <OptionalDateTime
                  label={t('campaigns.startsAt')}
                  value={v.startsAt}
                  onChange={(x) => set('startsAt', x)}
                  error={err('startsAt')}
                />
                <OptionalDateTime
                  label={t('campaigns.endsAt')}
                  value={v.endsAt}
                  onChange={(x) => set('endsAt', x)}
                  error={err('endsAt')}
                />
              </SimpleGrid>
            </Stack>
          </Card>
          <Card withBorder>
            <Title order={3} size="h5" mb="sm">
              {t('campaigns.conditions')}
            </Title>
            <Stack gap="sm">
              <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
                <Text component="legend" size="sm" fw={500} mb={4} p={0}>
                  {t('campaigns.daysOfWeek')}
                </Text>
                <Chip.Group multiple value={v.daysOfWeek} onChange={(d) => set('daysOfWeek', d)}>
                  <Group gap={6}>
                    {DAYS.map((d) => (
                      <Chip key={d} value={d} size="sm">
                        {t(`days.d${d}`)}
                      </Chip>
                    ))}
                  </Group>
                </Chip.Group>
                <Text size="xs" c="dimmed" mt={4}>
                  {t('campaigns.daysHint')}
                </Text>
              </fieldset>
              <TextInput
                label={t('campaigns.minAmount', { currency: symbol })}
                value={v.minAmount}
                onChange={(e) => set('minAmount', e.currentTarget.value)}
                inputMode="decimal"
                error={err('minAmount')}
              />
              <TagsInput
                label={t('campaigns.categories')}
                description={t('campaigns.scopeHint')}
                value={v.categories}
                onChange={(x) => set('categories', x)}
              />
              <TagsInput label={t('campaigns.skus')} value={v.skus} onChange={(x) => set('skus', x)} />
              <TextInput
                label={t('campaigns.coupon')}
                description={t('campaigns.couponHint')}
                value={v.coupon}
                onChange={(e) => set('coupon', e.currentTarget.value)}
              />
            </Stack>
          </Card>
          <Card withBorder>
            <Title order={3} size="h5" mb="sm">
              {t('campaigns.effect')}
            </Title>
            <Stack gap="sm">
              <Select
                label={t('campaigns.effectType')}
                value={v.effectType}
                onChange={(s) => s && set('effectType', s as EffectType)}
                data={[
                  { value: 'earn_multiplier', label: t('campaigns.type.earn_multiplier') },
                  { value: 'bonus_points', label: t('campaigns.type.bonus_points') },
                  { value: 'discount_percent', label: t('campaigns.type.discount_percent') },
                ]}
                allowDeselect={false}
              />
              {v.effectType === 'earn_multiplier' && (
                <TextInput
                  label={t('campaigns.multiplier')}
                  description={t('campaigns.multiplierHint')}
                  value={v.multiplier}
                  onChange={(e) => set('multiplier', e.currentTarget.value.replace(',', '.'))}
                  inputMode="decimal"
                  error={err('multiplier')}
                />
              )}
              {v.effectType === 'bonus_points' && (
                <NumberInput
                  label={t('campaigns.bonusPoints')}
                  value={v.points}
                  onChange={(n) => set('points', typeof n === 'number' ? n : 0)}
                  min={1}
                  allowDecimal={false}
                  error={err('points')}
                />
              )}
              {v.effectType === 'discount_percent' && (
                <TextInput
                  label={t('campaigns.percent')}
                  value={v.percent}
                  onChange={(e) => set('percent', e.currentTarget.value.replace(',', '.'))}
                  inputMode="decimal"
                  error={err('percent')}
                />
              )}
            </Stack>
          </Card>
          {save.isError && <ErrorAlert error={save.error} />}
          {remove.isError && <ErrorAlert error={remove.error} />}
          {canWrite && (
            <Group>
              <Button type="submit" loading={save.isPending}>
                {t('common.save')}
              </Button>
              {campaignId && (
                <Button
                  color="red"
                  variant="outline"
                  loading={remove.isPending}
                  onClick={() => remove.mutate()}
                >
                  {t('common.delete')}
                </Button>
              )}
            </Group>
          )}
        </Stack>
      </form>
      {campaignId && (
        <CampaignSimulationCard
          campaignId={campaignId}
          autoRunDays={simulateDaysFrom(location.search)}
          unsaved={unsaved}
        />
      )}
    </>
  );
}

export function CampaignEditorPage() {
  const { campaignId = 'new' } = useParams();
  const { t } = useTranslation();
  const { digits } = useCurrency();
  const isNew = campaignId === 'new';
  const query = useQuery({
    queryKey: ['campaign', campaignId],
    queryFn: ({ signal }) => api.get<Campaign>(`/v1/campaigns/${campaignId}`, signal),
    enabled: !isNew,
  });
  return (
    <Stack>
      <PageHeader title={isNew ? t('campaigns.new') : t('campaigns.edit')} />
      {isNew ? (
        <CampaignForm initial={emptyCampaignForm()} campaignId={null} />
      ) : (
        <QueryState query={query}>
          {(c) => <CampaignForm initial={fromCampaign(c, digits)} campaignId={c.campaignId} />}
        </QueryState>
      )}
      <Anchor component={Link} to="/admin/campaigns" size="sm">
        ← {t('campaigns.title')}
      </Anchor>
    </Stack>
  );
}
