import {
  Alert,
  Button,
  Card,
  Checkbox,
  Grid,
  Group,
  NumberInput,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { api } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { currencyDigits, parseMoneyToMinor } from '../../lib/money';
import { computeProgramExample } from '../../lib/program-example';
import { PROGRAM_KEY, useProgram } from '../../lib/queries';
import type { Program } from '../../lib/types';
import { hasScope, useMe } from '../../shell/staff-gate';

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card withBorder>
      <Title order={3} size="h5" mb="sm">
        {title}
      </Title>
      <Stack gap="sm">{children}</Stack>
    </Card>
  );
}

function ExamplePanel({ program }: { program: Program }) {
  const { t } = useTranslation();
  const f = useFormat();
  const digits = currencyDigits(program.currency);
  const [amount, setAmount] = useState('1000');
  const [available, setAvailable] = useState<number | string>(500);
  const amountMinor = parseMoneyToMinor(amount, digits) ?? 0;
  const ex = computeProgramExample(program, {
    amountMinor,
    availablePoints: Number(available) || 0,
    currencyDigits: digits,
    now: new Date(),
  });
  const money = (m: number) => f.money(m, program.currency);
  return (
    <Card withBorder bg="teal.0" aria-live="polite">
      <Title order={3} size="h5" mb="sm">
        {t('program.exampleTitle')}
      </Title>
      <Group grow mb="sm">
        <TextInput
          label={t('program.sampleAmount')}
          value={amount}
          onChange={(e) => setAmount(e.currentTarget.value)}
          inputMode="decimal"
        />
        <NumberInput
          label={t('program.sampleBalance')}
          value={available}
          onChange={setAvailable}
          min={0}
          allowDecimal={false}
        />
      </Group>
      {!ex ? (
        <Text size="sm">{t('program.exampleInvalid')}</Text>
      ) : (
        <Stack gap={6}>
          <Text size="sm">
            {t('program.examplePlain', {
              amount: money(ex.amountMinor),
              points: f.points(ex.plain.pointsEarned),
            })}
          </Text>
          <Text size="sm">
            {t('program.exampleCap', {
              percent: program.burn.maxPercentOfReceipt,
              max: f.points(ex.maxPointsByRule),
              value: money(program.pointValueMinor),
            })}
          </Text>
          <Text size="sm">
            {t('program.exampleWithPoints', {
              points: f.points(ex.withPoints.pointsSpent),
              money: money(ex.withPoints.pointsSpentMinor),
              paid: money(ex.withPoints.paidMinor),
              earned: f.points(ex.withPoints.pointsEarned),
            })}{' '}
            {program.earn.base === 'paid' ? t('program.exampleBasePaid') : t('program.exampleBaseGross')}
          </Text>
          <Text size="sm">
            {program.earn.pendingDays > 0
              ? t('program.examplePending', { date: f.date(ex.activatesAt.toISOString()) })
              : t('program.exampleNoPending')}{' '}
            {ex.expiresAt
              ? t('program.exampleExpiry', { date: f.date(ex.expiresAt.toISOString()) })
              : t('program.exampleNoExpiry')}
          </Text>
          <Text size="xs" c="dimmed">
            {t('program.exampleNote')}
          </Text>
        </Stack>
      )}
    </Card>
  );
}

function ProgramForm({ initial, canWrite }: { initial: Program; canWrite: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [p, setP] = useState<Program>(initial);
  const save = useMutation({
    mutationFn: () =>
      api.patch<Program>('/v1/program', {
        name: p.name,
        pointValueMinor: p.pointValueMinor,
        earn: p.earn,
        burn: p.burn,
        refund: p.refund,
        receipts: p.receipts,
      }),
    onSuccess: (saved) => {
      queryClient.setQueryData(PROGRAM_KEY, saved);
      setP(saved);
      notifications.show({ color: 'teal', message: t('common.saved') });
    },
  });
  const earn = (patch: Partial<Program['earn']>) => setP({ ...p, earn: { ...p.earn, ...patch } });
  const burn = (patch: Partial<Program['burn']>) => setP({ ...p, burn: { ...p.burn, ...patch } });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const int = (v: number | string) => (typeof v === 'number' ? v : Number.parseInt(v || '0', 10) || 0);
  return (
    <form onSubmit={submit}>
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            <Section title={t('program.general')}>
              <TextInput
                label={t('program.name')}
                value={p.name}
                onChange={(e) => setP({ ...p, name: e.currentTarget.value })}
              />
              <Text size="sm" c="dimmed">
                {t('program.currencyTz', { currency: p.currency, tz: p.timezone })}
              </Text>
            </Section>
            <Section title={t('program.earning')}>
              <TextInput
                label={t('program.pointsPerUnit')}
                description={t('program.pointsPerUnitHint')}
                value={p.earn.pointsPerUnit}
                onChange={(e) => earn({ pointsPerUnit: e.currentTarget.value.replace(',', '.') })}
                inputMode="decimal"
              />
              <Select
                label={t('program.rounding')}
                description={t('program.roundingHint')}
                value={p.earn.rounding}
                onChange={(v) => v && earn({ rounding: v as Program['earn']['rounding'] })}
                data={(['floor', 'ceil', 'half_up', 'half_even'] as const).map((r) => ({
                  value: r,
                  label: t(`program.roundingMode.${r}`),
                }))}
                allowDeselect={false}
              />
              <Select
                label={t('program.base')}
                description={t('program.baseHint')}
                value={p.earn.base}
                onChange={(v) => v && earn({ base: v as Program['earn']['base'] })}
                data={[
                  { value: 'paid', label: t('program.basePaid') },
                  { value: 'gross', label: t('program.baseGross') },
                ]}
                allowDeselect={false}
              />
              <TagsInput
                label={t('program.earnExcluded')}
                description={t('program.earnExcludedHint')}
                value={p.earn.excludedCategories}
                onChange={(v) => earn({ excludedCategories: v })}
              />
              <NumberInput
                label={t('program.pendingDays')}
                description={t('program.pendingDaysHint')}
                value={p.earn.pendingDays}
                onChange={(v) => earn({ pendingDays: int(v) })}
                min={0}
                allowDecimal={false}
              />
              <Checkbox
                label={t('program.neverExpire')}
                checked={p.earn.expiryDays === null}
                onChange={(e) => earn({ expiryDays: e.currentTarget.checked ? null : 365 })}
              />
              {p.earn.expiryDays !== null && (
                <NumberInput
                  label={t('program.expiryDays')}
                  description={t('program.expiryDaysHint')}
                  value={p.earn.expiryDays}
                  onChange={(v) => earn({ expiryDays: int(v) })}
                  min={1}
                  allowDecimal={false}
                />
              )}
            </Section>
            <Section title={t('program.spending')}>
              <NumberInput
                label={t('program.pointValue')}
                description={t('program.pointValueHint')}
                value={p.pointValueMinor}
                onChange={(v) => setP({ ...p, pointValueMinor: int(v) })}
                min={1}
                allowDecimal={false}
              />
              <NumberInput
                label={t('program.maxPercent')}
                description={t('program.maxPercentHint')}
                value={p.burn.maxPercentOfReceipt}
                onChange={(v) => burn({ maxPercentOfReceipt: int(v) })}
                min={0}
                max={100}
                allowDecimal={false}
                suffix=" %"
              />
              <TagsInput
                label={t('program.burnExcluded')}
                description={t('program.burnExcludedHint')}
                value={p.burn.excludedCategories}
                onChange={(v) => burn({ excludedCategories: v })}
              />
            </Section>
            <Section title={t('program.refunds')}>
              <Select
                label={t('program.refundPolicy')}
                description={t('program.refundPolicyHint')}
                value={p.refund.policy}
                onChange={(v) => v && setP({ ...p, refund: { policy: v as Program['refund']['policy'] } })}
                data={[
                  { value: 'debt', label: t('program.policyDebt') },
                  { value: 'clamp', label: t('program.policyClamp') },
                ]}
                allowDeselect={false}
              />
              <NumberInput
                label={t('program.maxDelayDays')}
                description={t('program.maxDelayDaysHint')}
                value={p.receipts.maxDelayDays}
                onChange={(v) => setP({ ...p, receipts: { maxDelayDays: int(v) } })}
                min={0}
                allowDecimal={false}
              />
            </Section>
            {save.isError && <ErrorAlert error={save.error} />}
            {canWrite ? (
              <Group>
                <Button type="submit" loading={save.isPending}>
                  {t('common.save')}
                </Button>
                <Button variant="subtle" onClick={() => setP(initial)}>
                  {t('common.reset')}
                </Button>
              </Group>
            ) : (
              <Alert color="gray">{t('program.readOnly')}</Alert>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <div style={{ position: 'sticky', top: 72 }}>
            <ExamplePanel program={p} />
          </div>
        </Grid.Col>
      </Grid>
    </form>
  );
}

export function ProgramPage() {
  const { t } = useTranslation();
  const me = useMe().data;
  const query = useProgram();
  return (
    <Stack>
      <PageHeader title={t('program.title')} description={t('program.subtitle')} />
      <QueryState query={query}>
        {(p) => <ProgramForm initial={p} canWrite={hasScope(me, 'program:write')} />}
      </QueryState>
    </Stack>
  );
}
