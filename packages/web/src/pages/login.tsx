import { Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { ErrorAlert } from '../components/error-alert';
import { api } from '../lib/api';
import { safeNext } from '../lib/safe-next';
import { LanguageSwitch } from '../shell/language-switch';
import { ME_KEY } from '../shell/staff-gate';

type LoginResult = { user: { id: string; email: string; role: string; tenant: string }; expiresAt: string };

export function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => api.post<LoginResult>('/v1/auth/login', { email: email.trim(), password }),
    onSuccess: async (r) => {
      await queryClient.invalidateQueries({ queryKey: ME_KEY });
      void navigate(safeNext(params.get('next'), r.user.role), { replace: true });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <Group justify="space-between" align="flex-start">
              <div>
                <Title order={1} size="h2">
                  {t('common.appName')}
                </Title>
                <Text c="dimmed" size="sm">
                  {t('login.subtitle')}
                </Text>
              </div>
              <LanguageSwitch />
            </Group>
            <TextInput
              label={t('login.email')}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              data-autofocus
            />
            <PasswordInput
              label={t('login.password')}
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            {login.isError && <ErrorAlert error={login.error} title={t('login.failed')} />}
            <Button type="submit" loading={login.isPending} size="md">
              {t('login.submit')}
            </Button>
            <Text size="sm" c="dimmed">
              {t('login.memberHint')} <a href="/cabinet">{t('nav.cabinet')}</a>
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
