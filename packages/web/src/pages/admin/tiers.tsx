import {
  ActionIcon,
  Alert,
  Button,
  Card,
  Group,
  NumberInput,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { TableScroll } from '../../components/table-scroll';
import { api, isApiError } from '../../lib/api';
import { useHasEndpoint } from '../../lib/api-paths';
import { useFormat } from '../../lib/format';
import { minorToInput, parseMoneyToMinor } from '../../lib/money';
import { useCurrency } from '../../lib/queries';
import type { TierLadder } from '../../lib/types';
import { hasScope, useMe } from '../../shell/staff-gate';

type Row = { code: string; name: string; spend: string; discountPercent: string; earnMultiplier: string };

function TiersForm({ ladder }: { ladder: TierLadder }) {
  const { t } = useTranslation();
  const { digits, currency } = useCurrency();
  const symbol = useFormat().symbol(currency);
  const queryClient = useQueryClient();
  const canWrite = hasScope(useMe().data, 'tiers:write');
  const [windowDays, setWindowDays] = useState<number | string>(ladder.windowDays);
  const [rows, setRows] = useState<Row[]>(
    ladder.tiers.map((x) => ({
      code: x.code,
      name: x.name,
      spend: minorToInput(x.qualifyingSpendMinor, digits),
      discountPercent: x.discountPercent,
      earnMultiplier: x.earnMultiplier,
    })),
  );
  const [invalid, setInvalid] = useState(false);
  const save = useMutation({
    mutationFn: (body: TierLadder) => api.put<TierLadder>('/v1/tiers', body),
    onSuccess: (saved) => {
      queryClient.setQueryData(['tiers'], saved);
      notifications.show({ color: 'teal', message: t('common.saved') });
    },
  });
  const update = (i: number, patch: Partial<Row>) =>
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const tiers = rows.map((r) => ({
      code: r.code.trim(),
      name: r.name.trim(),
      qualifyingSpendMinor: parseMoneyToMinor(r.spend, digits),
      discountPercent: r.discountPercent.trim() || '0',
      earnMultiplier: r.earnMultiplier.trim() || '1',
    }));
    const bad = tiers.some((x) => !x.code || !x.name || x.qualifyingSpendMinor === undefined);
    setInvalid(bad);
    if (bad) return;
    save.mutate({
      windowDays: Number(windowDays) || 365,
      tiers: tiers.map((x) => ({ ...x, qualifyingSpendMinor: x.qualifyingSpendMinor ?? 0 })),
    });
  };
  return (
    <form onSubmit={submit}>
      <Stack>
        <Card withBorder>
          <NumberInput
            label={t('tiers.windowDays')}
            description={t('tiers.windowDaysHint')}
            value={windowDays}
            onChange={setWindowDays}
            min={1}
            allowDecimal={false}
            maw={320}
          />
        </Card>
        <TableScroll label={t('tiers.title')}>
          <Table verticalSpacing="xs" miw={680}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('tiers.code')}</Table.Th>
                <Table.Th>{t('common.name')}</Table.Th>
                <Table.Th>{t('tiers.spend', { currency: symbol })}</Table.Th>
                <Table.Th>{t('tiers.discount')}</Table.Th>
                <Table.Th>{t('tiers.multiplier')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; codes may be blank or repeated mid-edit
                <Table.Tr key={i}>
                  <Table.Td miw={110}>
                    <TextInput
                      aria-label={t('tiers.code')}
                      value={r.code}
                      onChange={(e) => update(i, { code: e.currentTarget.value })}
                    />
                  </Table.Td>
                  <Table.Td miw={140}>
                    <TextInput
                      aria-label={t('common.name')}
                      value={r.name}
                      onChange={(e) => update(i, { name: e.currentTarget.value })}
                    />
                  </Table.Td>
                  <Table.Td miw={130}>
                    <TextInput
                      aria-label={t('tiers.spend', { currency: symbol })}
                      value={r.spend}
                      inputMode="decimal"
                      onChange={(e) => update(i, { spend: e.currentTarget.value })}
                    />
                  </Table.Td>
                  <Table.Td miw={90}>
                    <TextInput
                      aria-label={t('tiers.discount')}
                      value={r.discountPercent}
                      inputMode="decimal"
                      onChange={(e) =>
                        update(i, { discountPercent: e.currentTarget.value.replace(',', '.') })
                      }
                    />
                  </Table.Td>
                  <Table.Td miw={90}>
                    <TextInput
                      aria-label={t('tiers.multiplier')}
                      value={r.earnMultiplier}
                      inputMode="decimal"
                      onChange={(e) => update(i, { earnMultiplier: e.currentTarget.value.replace(',', '.') })}
                    />
                  </Table.Td>
                  <Table.Td>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={t('tiers.remove', { name: r.name || r.code })}
                      onClick={() => setRows(rows.filter((_, j) => j !== i))}
                    >
                      ✕
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
        {rows.length === 0 && <Text c="dimmed">{t('tiers.none')}</Text>}
        {invalid && <Alert color="red">{t('tiers.invalid')}</Alert>}
        {save.isError && <ErrorAlert error={save.error} />}
        {canWrite && (
          <Group>
            <Button
              variant="light"
              onClick={() =>
                setRows([
                  ...rows,
                  { code: '', name: '', spend: '0', discountPercent: '0', earnMultiplier: '1' },
                ])
              }
            >
              {t('tiers.add')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

export function TiersPage() {
  const { t } = useTranslation();
  const available = useHasEndpoint('GET', '/v1/tiers');
  const query = useQuery({
    queryKey: ['tiers'],
    queryFn: ({ signal }) => api.get<TierLadder>('/v1/tiers', signal),
    enabled: available === true,
    retry: false,
  });
  return (
    <Stack>
      <PageHeader title={t('tiers.title')} description={t('tiers.subtitle')} />
      {available === false || isApiError(query.error, 'not_found') ? (
        <Alert color="gray">{t('tiers.unavailable')}</Alert>
      ) : (
        <QueryState query={query}>{(l) => <TiersForm ladder={l} />}</QueryState>
      )}
    </Stack>
  );
}
