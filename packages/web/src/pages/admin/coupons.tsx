import {
  Anchor,
  Badge,
  Button,
  Card,
  NumberInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppModal } from '../../components/app-modal';
import { ErrorAlert } from '../../components/error-alert';
import { JobProgress } from '../../components/job-progress';
import { OptionalDateTime } from '../../components/optional-date-time';
import { OptionalList } from '../../components/optional-list';
import { PageHeader } from '../../components/page-header';
import { api } from '../../lib/api';
import { useOptionalList } from '../../lib/api-paths';
import {
  describePattern,
  emptySeriesForm,
  MAX_SERIES_CODES,
  type SeriesField,
  type SeriesFormValues,
  type SeriesProblem,
  seriesCsvPath,
  toSeriesBody,
} from '../../lib/coupon-series-form';
import { useFormat } from '../../lib/format';
import type { CouponSeries, CouponSeriesKind } from '../../lib/types';
import { hasScope, useMe } from '../../shell/staff-gate';

const KINDS: CouponSeriesKind[] = ['unique', 'shared', 'personal'];
const SERIES_KEY = ['coupon-series'] as const;

// Inside the dialog: Mantine unmounts it on close, so each opening starts with an empty form.
function NewSeriesForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const [v, setV] = useState<SeriesFormValues>(emptySeriesForm);
  const [problems, setProblems] = useState<SeriesProblem[]>([]);
  const set = <K extends SeriesField>(k: K, value: SeriesFormValues[K]) => setV({ ...v, [k]: value });
  const err = (field: SeriesField) => {
    const p = problems.find((x) => x.field === field);
    return p ? t(`coupons.problem.${p.problem}`) : undefined;
  };
  const create = useMutation({
    mutationFn: (body: unknown) => api.post<CouponSeries>('/v1/coupon-series', body),
    onSuccess: (series) => {
      void queryClient.invalidateQueries({ queryKey: SERIES_KEY });
      notifications.show({
        color: 'teal',
        message:
          series.status === 'generating'
            ? t('coupons.startedGenerating', { name: series.name })
            : t('coupons.created', { name: series.name }),
      });
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = toSeriesBody(v);
    setProblems(r.problems);
    if (r.body) create.mutate(r.body);
  };
  const pattern = v.kind === 'shared' ? null : describePattern(v.pattern);
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput
          label={t('coupons.name')}
          description={t('coupons.nameHint')}
          value={v.name}
          onChange={(e) => set('name', e.currentTarget.value)}
          error={err('name')}
          required
          data-autofocus
        />
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <Text size="sm" fw={500} id="series-kind-label" mb={4}>
            {t('coupons.kind')}
          </Text>
          <SegmentedControl
            fullWidth
            value={v.kind}
            onChange={(k) =>
              setV({
                ...v,
                kind: k as CouponSeriesKind,
                pattern: k === 'personal' ? 'XXXX-XXXX-XXXX' : v.pattern,
              })
            }
            data={KINDS.map((k) => ({ value: k, label: t(`coupons.kinds.${k}`) }))}
          />
          <Text size="xs" c="dimmed" mt={4}>
            {t(`coupons.kindHint.${v.kind}`)}
          </Text>
        </fieldset>
        {v.kind === 'shared' ? (
          <TextInput
            label={t('coupons.code')}
            description={t('coupons.codeHint')}
            value={v.code}
            onChange={(e) => set('code', e.currentTarget.value)}
            error={err('code')}
            required
          />
        ) : (
          <SimpleGrid cols={{ base: 1, sm: v.kind === 'unique' ? 2 : 1 }}>
            <TextInput
              label={t('coupons.pattern')}
              description={
                pattern?.ok
                  ? t('coupons.patternCapacity', { count: f.number(Number(pattern.capacity)) })
                  : t('coupons.patternHint')
              }
              value={v.pattern}
              onChange={(e) => set('pattern', e.currentTarget.value.toUpperCase())}
              error={err('pattern')}
              ff="monospace"
              required
            />
            {v.kind === 'unique' && (
              <NumberInput
                label={t('coupons.count')}
                description={t('coupons.countHint', { max: f.number(MAX_SERIES_CODES) })}
                value={v.count}
                onChange={(n) => set('count', n)}
                min={1}
                max={MAX_SERIES_CODES}
                allowDecimal={false}
                thousandSeparator=" "
                error={err('count')}
                required
              />
            )}
          </SimpleGrid>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <OptionalDateTime
            label={t('coupons.startsAt')}
            value={v.startsAt}
            onChange={(x) => set('startsAt', x)}
            error={err('startsAt')}
          />
          <OptionalDateTime
            label={t('coupons.endsAt')}
            value={v.endsAt}
            onChange={(x) => set('endsAt', x)}
            error={err('endsAt')}
          />
          <NumberInput
            label={t('coupons.usesPerCode')}
            description={
              v.kind === 'shared' ? t('coupons.usesPerCodeSharedHint') : t('coupons.usesPerCodeHint')
            }
            value={v.usesPerCode}
            onChange={(n) => set('usesPerCode', n)}
            min={1}
            allowDecimal={false}
            error={err('usesPerCode')}
          />
          <NumberInput
            label={t('coupons.usesPerMember')}
            description={t('coupons.usesPerMemberHint')}
            value={v.usesPerMember}
            onChange={(n) => set('usesPerMember', n)}
            min={1}
            allowDecimal={false}
            error={err('usesPerMember')}
          />
          {v.kind === 'personal' && (
            <NumberInput
              label={t('coupons.validDays')}
              description={t('coupons.validDaysHint')}
              value={v.validDays}
              onChange={(n) => set('validDays', n)}
              min={1}
              max={3650}
              allowDecimal={false}
              error={err('validDays')}
            />
          )}
        </SimpleGrid>
        {create.isError && <ErrorAlert error={create.error} />}
        <Button type="submit" loading={create.isPending}>
          {v.kind === 'unique' ? t('coupons.generate') : t('common.create')}
        </Button>
      </Stack>
    </form>
  );
}

function codesText(t: TFunction, f: ReturnType<typeof useFormat>, s: CouponSeries) {
  if (s.kind === 'shared') return s.code ?? '—';
  if (s.kind === 'personal') return t('coupons.issued', { n: f.number(s.generatedCount) });
  return t('coupons.generated', { done: f.number(s.generatedCount), total: f.number(s.requestedCount) });
}

export function CouponsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useMe().data;
  const canWrite = hasScope(me, 'campaigns:write');
  const [opened, { open, close }] = useDisclosure(false);
  // Large series are generated in the background: watch them until they are ready.
  const { query, missing } = useOptionalList<CouponSeries>(
    '/v1/coupon-series',
    '/v1/coupon-series?limit=200',
    SERIES_KEY,
    (items) => (items?.some((s) => s.status === 'generating') ? 1000 : false),
  );
  const generating = query.data?.items.filter((s) => s.status === 'generating') ?? [];
  return (
    <Stack>
      <PageHeader
        title={t('coupons.title')}
        description={t('coupons.subtitle')}
        actions={canWrite && !missing && <Button onClick={open}>{t('coupons.new')}</Button>}
      />
      {generating.length > 0 && (
        <Card withBorder>
          <Stack gap="md">
            <Title order={3} size="h5">
              {t('coupons.generatingTitle')}
            </Title>
            {generating.map((s) => (
              <JobProgress
                key={s.seriesId}
                label={t('coupons.generatingSeries', { name: s.name })}
                state={{ status: 'running', done: s.generatedCount, total: s.requestedCount }}
                unit={t('coupons.codesUnit')}
              />
            ))}
          </Stack>
        </Card>
      )}
      <OptionalList
        missing={missing}
        unavailable={t('coupons.unavailable')}
        query={query}
        empty={t('coupons.none')}
        label={t('coupons.title')}
      >
        {(items) => (
          <Table striped verticalSpacing="xs" miw={760}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('coupons.name')}</Table.Th>
                <Table.Th>{t('coupons.kind')}</Table.Th>
                <Table.Th>{t('coupons.codes')}</Table.Th>
                <Table.Th>{t('common.status')}</Table.Th>
                <Table.Th>{t('coupons.redeemed')}</Table.Th>
                <Table.Th>{t('coupons.validity')}</Table.Th>
                <Table.Th>{t('coupons.download')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((s) => (
                <Table.Tr key={s.seriesId}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {s.name}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {s.seriesId}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {t(`coupons.kinds.${s.kind as CouponSeriesKind}`, { defaultValue: s.kind })}
                  </Table.Td>
                  <Table.Td className="nowrap">
                    <Text size="sm" ff={s.kind === 'shared' ? 'monospace' : undefined}>
                      {codesText(t, f, s)}
                    </Text>
                    {s.pattern && s.kind !== 'shared' && (
                      <Text size="xs" c="dimmed" ff="monospace">
                        {s.pattern}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      variant="filled"
                      radius="sm"
                      color={s.status === 'ready' ? 'teal.9' : s.status === 'failed' ? 'red.9' : 'yellow.4'}
                      autoContrast
                    >
                      {s.status === 'generating'
                        ? t('coupons.status.generatingPercent', {
                            percent: Math.floor(s.progress * 100),
                          })
                        : t(`coupons.status.${s.status as 'ready'}`, { defaultValue: s.status })}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{f.number(s.redeemed)}</Table.Td>
                  <Table.Td className="nowrap">
                    {s.startsAt || s.endsAt
                      ? `${f.date(s.startsAt)} – ${f.date(s.endsAt)}`
                      : s.validDays
                        ? t('coupons.validDaysShort', { count: s.validDays })
                        : t('campaigns.always')}
                  </Table.Td>
                  <Table.Td>
                    {s.status === 'ready' && s.generatedCount > 0 ? (
                      <Anchor
                        href={seriesCsvPath(s.seriesId)}
                        download={`${s.seriesId}.csv`}
                        size="sm"
                        aria-label={t('coupons.downloadFor', { name: s.name })}
                      >
                        {t('coupons.csv')}
                      </Anchor>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </OptionalList>
      <AppModal opened={opened} onClose={close} title={t('coupons.new')} size="lg">
        <NewSeriesForm onClose={close} />
      </AppModal>
    </Stack>
  );
}
