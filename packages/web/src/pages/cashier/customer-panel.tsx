import { Alert, Badge, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert';
import { memberDisplayName } from '../../components/member-name';
import { api, isApiError, qs } from '../../lib/api';
import { parseScan } from '../../lib/cashier';
import type { Member, MemberRef, Page } from '../../lib/types';
import { CameraScanButton } from './camera-scanner';

export type Customer = { ref: MemberRef; member: Member | null };

/** Find the customer by a scan (card or QR, keyboard-wedge scanner: text + Enter) or by phone; enrol a new one. */
export function CustomerPanel({
  customer,
  onChange,
  balance,
}: {
  customer: Customer | null;
  onChange: (c: Customer | null) => void;
  balance: number | null;
}) {
  const { t } = useTranslation();
  const [scan, setScan] = useState('');
  const [phone, setPhone] = useState('');
  const [enroll, setEnroll] = useState<{ phone: string; firstName: string } | null>(null);

  const byCard = useMutation({
    mutationFn: async (cardNumber: string) => {
      const page = await api.get<Page<Member>>(`/v1/members${qs({ cardNumber })}`);
      return page.items[0] ?? null;
    },
  });
  const byPhone = useMutation({
    mutationFn: async (p: string) => {
      const page = await api.get<Page<Member>>(`/v1/members${qs({ phone: p })}`);
      return page.items[0] ?? null;
    },
  });
  const create = useMutation({
    mutationFn: (body: { phone: string; firstName: string }) =>
      api.post<Member>('/v1/members', {
        phone: body.phone,
        ...(body.firstName.trim() ? { firstName: body.firstName.trim() } : {}),
      }),
    onSuccess: (m) => {
      setEnroll(null);
      onChange({ ref: { memberId: m.memberId }, member: m });
    },
  });

  // A keyboard-wedge scanner (text + Enter) and the camera land here alike.
  const applyScan = async (text: string) => {
    const ref = parseScan(text);
    if (!ref) return;
    if ('qrToken' in ref) {
      onChange({ ref, member: null });
      return;
    }
    if ('cardNumber' in ref) {
      const m = await byCard.mutateAsync(ref.cardNumber).catch(() => undefined);
      if (m) onChange({ ref, member: m });
    }
  };
  const submitScan = async (e: FormEvent) => {
    e.preventDefault();
    const text = scan;
    setScan('');
    await applyScan(text);
  };
  const submitPhone = async (e: FormEvent) => {
    e.preventDefault();
    if (!phone.trim()) return;
    setEnroll(null);
    const m = await byPhone.mutateAsync(phone.trim()).catch(() => undefined);
    if (m) onChange({ ref: { phone: phone.trim() }, member: m });
    else if (m === null) setEnroll({ phone: phone.trim(), firstName: '' });
  };

  if (customer) {
    const m = customer.member;
    return (
      <Card withBorder padding="lg">
        <Group justify="space-between" align="flex-start">
          <div>
            <Text size="sm" c="dimmed">
              {t('cashier.customer')}
            </Text>
            <Title order={2} size="h3">
              {m ? memberDisplayName(m) : t('cashier.byQr')}
            </Title>
            {m && (
              <Text size="sm">
                {[m.phone, m.cardNumber && t('cashier.cardNo', { card: m.cardNumber })]
                  .filter(Boolean)
                  .join(' · ')}
              </Text>
            )}
            <Group gap="xs" mt={6}>
              {balance !== null && (
                <Badge size="lg" variant="filled" color="teal.9">
                  {t('cashier.balance', { points: balance })}
                </Badge>
              )}
              {m?.status === 'blocked' && (
                <Badge size="lg" color="red.9" variant="filled">
                  {t('status.blocked')}
                </Badge>
              )}
            </Group>
          </div>
          <Button variant="outline" size="md" onClick={() => onChange(null)}>
            {t('cashier.changeCustomer')}
          </Button>
        </Group>
      </Card>
    );
  }

  return (
    <Card withBorder padding="lg">
      <Stack>
        <Title order={2} size="h4">
          {t('cashier.findCustomer')}
        </Title>
        <form onSubmit={submitScan}>
          <TextInput
            size="lg"
            label={t('cashier.scan')}
            description={t('cashier.scanHint')}
            value={scan}
            onChange={(e) => setScan(e.currentTarget.value)}
            autoComplete="off"
            data-autofocus
            autoFocus
          />
        </form>
        <Group>
          <CameraScanButton
            accept={(text) => parseScan(text) !== undefined}
            onCode={(text) => void applyScan(text)}
          />
        </Group>
        {byCard.isError && <ErrorAlert error={byCard.error} />}
        {byCard.data === null && <Alert color="yellow">{t('cashier.cardNotFound')}</Alert>}
        <form onSubmit={submitPhone}>
          <Group align="flex-end" wrap="nowrap">
            <TextInput
              size="lg"
              label={t('cashier.phone')}
              type="tel"
              inputMode="tel"
              value={phone}
              onChange={(e) => setPhone(e.currentTarget.value)}
              style={{ flex: 1 }}
              autoComplete="off"
            />
            <Button type="submit" size="lg" loading={byPhone.isPending}>
              {t('cashier.find')}
            </Button>
          </Group>
        </form>
        {byPhone.isError && !isApiError(byPhone.error, 'not_found') && <ErrorAlert error={byPhone.error} />}
        {enroll && (
          <Card withBorder bg="gray.0">
            <form
              onSubmit={(e) => {
                e.preventDefault();
                create.mutate(enroll);
              }}
            >
              <Stack gap="sm">
                <Text fw={600}>{t('cashier.notFoundEnroll')}</Text>
                <TextInput
                  size="lg"
                  label={t('cashier.phone')}
                  type="tel"
                  value={enroll.phone}
                  onChange={(e) => setEnroll({ ...enroll, phone: e.currentTarget.value })}
                />
                <TextInput
                  size="lg"
                  label={t('cashier.firstName')}
                  value={enroll.firstName}
                  onChange={(e) => setEnroll({ ...enroll, firstName: e.currentTarget.value })}
                />
                {create.isError && <ErrorAlert error={create.error} />}
                <Button type="submit" size="lg" loading={create.isPending}>
                  {t('cashier.enroll')}
                </Button>
              </Stack>
            </form>
          </Card>
        )}
        <Text size="sm" c="dimmed">
          {t('cashier.anonymousHint')}
        </Text>
      </Stack>
    </Card>
  );
}
