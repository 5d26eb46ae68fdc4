import { Button, Card, Group, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppModal } from '../../components/app-modal';
import { ErrorAlert } from '../../components/error-alert';
import { api, request } from '../../lib/api';
import { downloadJson } from '../../lib/download';
import type { CabinetProfile, Consent, Page } from '../../lib/types';
import { CABINET_ME } from './cabinet-api';

const CONSENT_TEXT_VERSION = 'web-2026-11';

type ConsentKey = { purpose: Consent['purpose']; channel: Consent['channel'] };
const CONSENTS: ConsentKey[] = [
  { purpose: 'personal_data', channel: 'any' },
  { purpose: 'marketing', channel: 'sms' },
  { purpose: 'marketing', channel: 'email' },
  { purpose: 'marketing', channel: 'push' },
];

function ProfileForm({ profile }: { profile: CabinetProfile }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({
    firstName: profile.firstName ?? '',
    lastName: profile.lastName ?? '',
    email: profile.email ?? '',
    birthDate: profile.birthDate ?? '',
  });
  const save = useMutation({
    mutationFn: () =>
      api.patch<CabinetProfile>(
        '/v1/cabinet/me',
        Object.fromEntries(Object.entries(form).map(([k, v]) => [k, v.trim() === '' ? null : v.trim()])),
      ),
    onSuccess: (p) => {
      queryClient.setQueryData(CABINET_ME, p);
      notifications.show({ color: 'teal', message: t('common.saved') });
    },
  });
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [k]: e.currentTarget.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Card withBorder radius="lg" padding="md">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('cabinet.profile')}
          </Title>
          <TextInput
            label={t('cabinet.phone')}
            value={profile.phone ?? ''}
            readOnly
            variant="filled"
            description={t('cabinet.phoneFixed')}
          />
          <TextInput
            label={t('common.firstName')}
            value={form.firstName}
            onChange={set('firstName')}
            autoComplete="given-name"
          />
          <TextInput
            label={t('common.lastName')}
            value={form.lastName}
            onChange={set('lastName')}
            autoComplete="family-name"
          />
          <TextInput
            label={t('common.email')}
            type="email"
            value={form.email}
            onChange={set('email')}
            autoComplete="email"
          />
          <TextInput
            label={t('member.birthDate')}
            type="date"
            value={form.birthDate}
            onChange={set('birthDate')}
            autoComplete="bday"
          />
          {save.isError && <ErrorAlert error={save.error} />}
          <Button type="submit" size="md" loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}

function Consents() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: ['cabinet', 'consents'],
    queryFn: ({ signal }) => api.get<Page<Consent>>('/v1/cabinet/consents', signal),
  });
  const change = useMutation({
    mutationFn: (c: ConsentKey & { granted: boolean }) =>
      api.post<Consent>('/v1/cabinet/consents', {
        purpose: c.purpose,
        ...(c.channel !== 'any' ? { channel: c.channel } : {}),
        granted: c.granted,
        textVersion: CONSENT_TEXT_VERSION,
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['cabinet', 'consents'] }),
  });
  const granted = (k: ConsentKey) =>
    query.data?.items.some((c) => c.purpose === k.purpose && c.channel === k.channel && c.granted) ?? false;
  return (
    <Card withBorder radius="lg" padding="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('cabinet.consents')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('cabinet.consentsHint')}
        </Text>
        {CONSENTS.map((k) => (
          <Switch
            key={`${k.purpose}-${k.channel}`}
            size="md"
            label={
              k.purpose === 'personal_data'
                ? t('consent.personal_data')
                : t(`cabinet.marketingBy.${k.channel as 'sms'}`)
            }
            checked={granted(k)}
            disabled={query.isPending || change.isPending}
            onChange={(e) => change.mutate({ ...k, granted: e.currentTarget.checked })}
          />
        ))}
        {change.isError && <ErrorAlert error={change.error} />}
      </Stack>
    </Card>
  );
}

function DataAndAccount() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [opened, { open, close }] = useDisclosure(false);
  const download = useMutation({
    mutationFn: async () => {
      downloadJson(await request<unknown>('GET', '/v1/cabinet/export'), 'my-data.json');
    },
  });
  const erase = useMutation({
    mutationFn: () => api.delete('/v1/cabinet/me'),
    onSuccess: () => {
      close();
      queryClient.setQueryData(CABINET_ME, null);
      queryClient.removeQueries({ queryKey: ['cabinet'], predicate: (q) => q.queryKey[1] !== 'me' });
    },
  });
  return (
    <Card withBorder radius="lg" padding="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('cabinet.myData')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('cabinet.exportHint')}
        </Text>
        <Button variant="light" size="md" onClick={() => download.mutate()} loading={download.isPending}>
          {t('cabinet.download')}
        </Button>
        {download.isError && <ErrorAlert error={download.error} />}
        <Button color="red" variant="outline" size="md" onClick={open}>
          {t('cabinet.deleteAccount')}
        </Button>
      </Stack>
      <AppModal opened={opened} onClose={close} title={t('cabinet.deleteTitle')} centered>
        <Stack>
          <Text size="sm">{t('cabinet.deleteText')}</Text>
          {erase.isError && <ErrorAlert error={erase.error} />}
          <Group justify="flex-end">
            <Button variant="subtle" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button color="red" onClick={() => erase.mutate()} loading={erase.isPending}>
              {t('cabinet.deleteConfirm')}
            </Button>
          </Group>
        </Stack>
      </AppModal>
    </Card>
  );
}

export function ProfileView({ profile }: { profile: CabinetProfile }) {
  return (
    <Stack>
      <ProfileForm profile={profile} />
      <Consents />
      <DataAndAccount />
    </Stack>
  );
}
