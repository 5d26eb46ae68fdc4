import {
  Alert,
  AppShell,
  Button,
  Card,
  Container,
  Grid,
  Group,
  NumberInput,
  Stack,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue, useLocalStorage } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { EffectsList } from '../../components/effects-list';
import { ErrorAlert } from '../../components/error-alert';
import { api } from '../../lib/api';
import { buildReceiptLines, clampPoints, type DraftLine, receiptMemberRef } from '../../lib/cashier';
import { useFormat } from '../../lib/format';
import { newClientId } from '../../lib/ids';
import { useCurrency } from '../../lib/queries';
import type { Member, Receipt } from '../../lib/types';
import { LanguageSwitch } from '../../shell/language-switch';
import { hasScope, useMe } from '../../shell/staff-gate';
import { useStaffLogout } from '../../shell/use-logout';
import { RefundPanel } from '../admin/receipt';
import { type Customer, CustomerPanel } from './customer-panel';
import { LinesEditor, newDraftLine } from './lines-editor';
import { VerifyPhone } from './verify-phone';

type Till = { storeId: string; terminalId: string };

function Totals({ r, currency }: { r: Receipt; currency: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const row = (label: string, value: string, strong = false) => (
    <Group justify="space-between">
      <Text size={strong ? 'xl' : 'md'} fw={strong ? 700 : 400}>
        {label}
      </Text>
      <Text size={strong ? 'xl' : 'md'} fw={strong ? 700 : 500}>
        {value}
      </Text>
    </Group>
  );
  return (
    <Stack gap={4}>
      {row(t('cashier.amount'), f.money(r.totals.amountMinor, currency))}
      {r.totals.discountMinor > 0 &&
        row(t('cashier.discount'), `−${f.money(r.totals.discountMinor, currency)}`)}
      {r.totals.pointsSpent > 0 &&
        row(
          t('cashier.paidByPoints', { points: f.points(r.totals.pointsSpent) }),
          `−${f.money(r.totals.pointsSpentMinor, currency)}`,
        )}
      {row(t('cashier.toPay'), f.money(r.totals.payableMinor, currency), true)}
      {r.memberId && row(t('cashier.willEarn'), f.points(r.totals.pointsEarned))}
    </Stack>
  );
}

function SaleScreen({ till }: { till: Till }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { currency, digits } = useCurrency();
  const queryClient = useQueryClient();
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [lines, setLines] = useState<DraftLine[]>(() => [newDraftLine()]);
  const [points, setPoints] = useState<number | string>(0);
  const [receiptId, setReceiptId] = useState(() => newClientId('web'));
  const [done, setDone] = useState<Receipt | null>(null);

  const built = useMemo(() => buildReceiptLines(lines, digits), [lines, digits]);
  const ready =
    built.lines.length > 0 && built.problems.length === 0 && built.lines.some((l) => l.amountMinor > 0);
  const memberRef = receiptMemberRef(customer?.ref ?? null, customer?.member?.memberId ?? null);
  const phoneUnverified = !!customer && 'phone' in customer.ref && !customer.ref.otp;
  const wanted = phoneUnverified ? 0 : Number(points) || 0;
  const body = {
    receiptId,
    ...(till.storeId ? { storeId: till.storeId } : {}),
    ...(till.terminalId ? { terminalId: till.terminalId } : {}),
    channel: 'pos' as const,
    ...(memberRef ? { member: memberRef } : {}),
    lines: built.lines,
    pointsToSpend: wanted,
  };
  // Typing settles for a moment before the till asks the server; the body and whether it is
  // complete are debounced together so a stale, empty receipt is never sent.
  const [debounced] = useDebouncedValue({ body, ready }, 250);
  const calc = useQuery({
    queryKey: ['calculate', debounced.body],
    queryFn: ({ signal }) => api.post<Receipt>('/v1/receipts/calculate', debounced.body, { signal }),
    enabled: ready && debounced.ready,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 0,
  });
  const result = calc.data;

  // A QR code names the member only through a calculation; then the member id carries on.
  const resolvedId = result?.memberId ?? null;
  useEffect(() => {
    if (!customer || customer.member || !resolvedId) return;
    let cancelled = false;
    api
      .get<Member>(`/v1/members/${resolvedId}`)
      .then((m) => {
        if (!cancelled) setCustomer((c) => (c && !c.member ? { ...c, member: m } : c));
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [customer, resolvedId]);

  const cap = result?.totals.maxPointsToSpend ?? 0;
  const spend = clampPoints(wanted, cap);
  const confirm = useMutation({
    mutationFn: () => api.post<Receipt>('/v1/receipts/confirm', { ...body, pointsToSpend: spend }),
    onSuccess: (r) => {
      setDone(r);
      void queryClient.invalidateQueries({ queryKey: ['member'] });
    },
  });
  const reset = () => {
    setCustomer(null);
    setLines([newDraftLine()]);
    setPoints(0);
    setReceiptId(newClientId('web'));
    setDone(null);
    confirm.reset();
  };
  const changeCustomer = (c: Customer | null) => {
    setCustomer(c);
    setPoints(0);
  };

  if (done) {
    return (
      <Card withBorder padding="xl" role="status">
        <Stack>
          <Title order={2}>{t('cashier.done')}</Title>
          <Totals r={done} currency={currency} />
          {done.balance && (
            <Text size="lg">{t('cashier.balanceAfter', { points: f.points(done.balance.available) })}</Text>
          )}
          <Text size="sm" c="dimmed">
            {t('cashier.receiptNo', { id: done.receiptId })}
          </Text>
          <Button size="xl" onClick={reset} data-autofocus>
            {t('cashier.newSale')}
          </Button>
        </Stack>
      </Card>
    );
  }

  const balance = result?.balance?.available ?? null;
  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: 7 }}>
        <Stack>
          <CustomerPanel customer={customer} onChange={changeCustomer} balance={balance} />
          <LinesEditor
            lines={lines}
            onChange={setLines}
            problems={built.problems}
            currency={currency}
            digits={digits}
          />
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 5 }}>
        <Card withBorder padding="lg" style={{ position: 'sticky', top: 72 }}>
          <Stack>
            <Title order={2} size="h4">
              {t('cashier.calculation')}
            </Title>
            {!ready && <Text c="dimmed">{t('cashier.addItems')}</Text>}
            {calc.isError && <ErrorAlert error={calc.error} />}
            {ready && result && (
              <Stack aria-live="polite">
                <Totals r={result} currency={currency} />
                <EffectsList effects={result.effects} />
                {customer && balance !== null && balance > 0 && (
                  <Card withBorder bg="gray.0" padding="sm">
                    {phoneUnverified && 'phone' in customer.ref ? (
                      <VerifyPhone
                        phone={customer.ref.phone}
                        onVerified={(otp) =>
                          setCustomer((c) =>
                            c && 'phone' in c.ref ? { ...c, ref: { phone: c.ref.phone, otp } } : c,
                          )
                        }
                      />
                    ) : (
                      <Stack gap="xs">
                        <Text size="sm">
                          {t('cashier.mayPay', { max: f.points(cap), balance: f.points(balance) })}
                        </Text>
                        <Group align="flex-end" wrap="nowrap">
                          <NumberInput
                            size="lg"
                            label={t('cashier.pointsToSpend')}
                            value={points}
                            onChange={setPoints}
                            min={0}
                            max={cap}
                            allowDecimal={false}
                            clampBehavior="strict"
                            style={{ flex: 1 }}
                          />
                          <Button
                            size="lg"
                            variant="light"
                            onClick={() => setPoints(cap)}
                            disabled={cap === 0}
                          >
                            {t('cashier.useMax')}
                          </Button>
                        </Group>
                      </Stack>
                    )}
                  </Card>
                )}
                {confirm.isError && <ErrorAlert error={confirm.error} />}
                <Button
                  size="xl"
                  onClick={() => confirm.mutate()}
                  loading={confirm.isPending}
                  disabled={calc.isFetching && !result}
                >
                  {t('cashier.confirm', { amount: f.money(result.totals.payableMinor, currency) })}
                </Button>
              </Stack>
            )}
          </Stack>
        </Card>
      </Grid.Col>
    </Grid>
  );
}

function RefundScreen() {
  const { t } = useTranslation();
  const [input, setInput] = useState('');
  const [receiptId, setReceiptId] = useState('');
  const query = useQuery({
    queryKey: ['receipt', receiptId],
    queryFn: ({ signal }) => api.get<Receipt>(`/v1/receipts/${encodeURIComponent(receiptId)}`, signal),
    enabled: receiptId !== '',
    retry: false,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setReceiptId(input.trim());
  };
  return (
    <Stack>
      <Card withBorder padding="lg">
        <form onSubmit={submit}>
          <Group align="flex-end" wrap="nowrap">
            <TextInput
              size="lg"
              label={t('cashier.refundReceiptId')}
              description={t('cashier.refundReceiptHint')}
              value={input}
              onChange={(e) => setInput(e.currentTarget.value)}
              style={{ flex: 1 }}
            />
            <Button type="submit" size="lg">
              {t('cashier.find')}
            </Button>
          </Group>
        </form>
      </Card>
      {query.isError && <ErrorAlert error={query.error} />}
      {query.data && (
        <RefundPanel key={query.data.receiptId} receipt={query.data} onDone={() => void query.refetch()} />
      )}
      {query.data && query.data.status === 'refunded' && (
        <Alert color="gray">{t('cashier.fullyRefunded')}</Alert>
      )}
    </Stack>
  );
}

export function CashierPage() {
  const { t } = useTranslation();
  const me = useMe().data;
  const logout = useStaffLogout();
  const [till, setTill] = useLocalStorage<Till>({
    key: 'kopilka.till',
    defaultValue: { storeId: '', terminalId: '' },
  });
  const [tab, setTab] = useState<string | null>('sale');
  return (
    <AppShell header={{ height: 60 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Title order={1} size="h4">
            {t('cashier.title')}
          </Title>
          <Group gap="xs" wrap="nowrap">
            <LanguageSwitch size="sm" />
            {hasScope(me, 'members:read') && me?.role !== 'cashier' && (
              <Button component={Link} to="/admin" variant="subtle" size="sm" visibleFrom="xs">
                {t('nav.console')}
              </Button>
            )}
            <Button variant="subtle" size="sm" onClick={() => void logout()}>
              {t('common.logout')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <Container size="xl" px={0}>
          <Tabs value={tab} onChange={setTab} keepMounted>
            <Tabs.List mb="md">
              <Tabs.Tab value="sale" fz="md" py="md">
                {t('cashier.sale')}
              </Tabs.Tab>
              <Tabs.Tab value="refund" fz="md" py="md">
                {t('cashier.refund')}
              </Tabs.Tab>
              <Tabs.Tab value="settings" fz="md" py="md">
                {t('cashier.settings')}
              </Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="sale">
              <SaleScreen till={till} />
            </Tabs.Panel>
            <Tabs.Panel value="refund">
              <RefundScreen />
            </Tabs.Panel>
            <Tabs.Panel value="settings">
              <Card withBorder padding="lg" maw={480}>
                <Stack>
                  <TextInput
                    size="md"
                    label={t('cashier.storeId')}
                    value={till.storeId}
                    onChange={(e) => setTill({ ...till, storeId: e.currentTarget.value })}
                  />
                  <TextInput
                    size="md"
                    label={t('cashier.terminalId')}
                    value={till.terminalId}
                    onChange={(e) => setTill({ ...till, terminalId: e.currentTarget.value })}
                  />
                  <Text size="sm" c="dimmed">
                    {t('cashier.settingsHint')}
                  </Text>
                </Stack>
              </Card>
            </Tabs.Panel>
          </Tabs>
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
