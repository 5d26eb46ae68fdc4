import {
  Alert,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  MultiSelect,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppModal } from '../../components/app-modal';
import { ErrorAlert } from '../../components/error-alert';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { TableScroll } from '../../components/table-scroll';
import { api } from '../../lib/api';
import { useFormat } from '../../lib/format';
import type { ApiKey, Page, StaffRole, StaffUser } from '../../lib/types';
import { hasScope, useMe } from '../../shell/staff-gate';

const ROLES: StaffRole[] = ['owner', 'admin', 'marketer', 'analyst', 'support', 'cashier'];
const SCOPES = [
  '*',
  'admin',
  'program:read',
  'program:write',
  'members:read',
  'members:write',
  'receipts:read',
  'receipts:write',
  'ledger:read',
  'ledger:write',
  'campaigns:read',
  'campaigns:write',
  'staff:read',
  'staff:write',
  'audit:read',
  'tiers:read',
  'tiers:write',
  'memberships:read',
  'memberships:write',
  'analytics:read',
];
/** What a cash register needs: find and enrol members, price and confirm receipts. */
const TILL_SCOPES = [
  'members:read',
  'members:write',
  'receipts:read',
  'receipts:write',
  'ledger:read',
  'program:read',
];

function StaffUsers() {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const canWrite = hasScope(useMe().data, 'staff:write');
  const query = useQuery({
    queryKey: ['staff'],
    queryFn: ({ signal }) => api.get<Page<StaffUser>>('/v1/staff', signal),
  });
  const empty = { email: '', name: '', role: 'cashier' as StaffRole, password: '' };
  const [form, setForm] = useState(empty);
  const create = useMutation({
    mutationFn: () => api.post('/v1/staff', form),
    onSuccess: () => {
      setForm(empty);
      notifications.show({ color: 'teal', message: t('staff.created') });
      void queryClient.invalidateQueries({ queryKey: ['staff'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Stack>
      <QueryState query={query}>
        {(page) => (
          <TableScroll label={t('staff.users')}>
            <Table striped verticalSpacing="xs" miw={680}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('common.email')}</Table.Th>
                  <Table.Th>{t('common.name')}</Table.Th>
                  <Table.Th>{t('staff.role')}</Table.Th>
                  <Table.Th>{t('staff.lastLogin')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.items.map((u) => (
                  <Table.Tr key={u.id}>
                    <Table.Td>{u.email}</Table.Td>
                    <Table.Td>{u.name || '—'}</Table.Td>
                    <Table.Td>{t(`roles.${u.role}`)}</Table.Td>
                    <Table.Td className="nowrap">
                      {u.lastLoginAt ? f.dateTime(u.lastLoginAt) : t('common.never')}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        )}
      </QueryState>
      {canWrite && (
        <Card withBorder>
          <form onSubmit={submit}>
            <Stack gap="sm">
              <Title order={3} size="h5">
                {t('staff.newUser')}
              </Title>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput
                  label={t('common.email')}
                  type="email"
                  required
                  value={form.email}
                  onChange={(e) => setForm({ ...form, email: e.currentTarget.value })}
                />
                <TextInput
                  label={t('common.name')}
                  value={form.name}
                  onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
                />
                <Select
                  label={t('staff.role')}
                  value={form.role}
                  onChange={(v) => v && setForm({ ...form, role: v as StaffRole })}
                  data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
                  allowDeselect={false}
                />
                <PasswordInput
                  label={t('staff.password')}
                  description={t('staff.passwordHint')}
                  required
                  autoComplete="new-password"
                  value={form.password}
                  onChange={(e) => setForm({ ...form, password: e.currentTarget.value })}
                />
              </SimpleGrid>
              {create.isError && <ErrorAlert error={create.error} />}
              <Group>
                <Button type="submit" loading={create.isPending}>
                  {t('common.create')}
                </Button>
              </Group>
            </Stack>
          </form>
        </Card>
      )}
    </Stack>
  );
}

function ApiKeys() {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: ['api-keys'],
    queryFn: ({ signal }) => api.get<Page<ApiKey>>('/v1/api-keys', signal),
  });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(TILL_SCOPES);
  const [shown, setShown] = useState<{ key: string; name: string } | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api.post<{ id: string; key: string; name: string }>('/v1/api-keys', { name: name.trim(), scopes }),
    onSuccess: (r) => {
      setShown({ key: r.key, name: r.name });
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.delete(`/v1/api-keys/${id}`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Stack>
      <QueryState query={query}>
        {(page) => (
          <TableScroll label={t('staff.keys')}>
            <Table striped verticalSpacing="xs" miw={680}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('common.name')}</Table.Th>
                  <Table.Th>{t('staff.prefix')}</Table.Th>
                  <Table.Th>{t('staff.scopes')}</Table.Th>
                  <Table.Th>{t('staff.createdAt')}</Table.Th>
                  <Table.Th>{t('common.status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.items.map((k) => (
                  <Table.Tr key={k.id}>
                    <Table.Td>{k.name}</Table.Td>
                    <Table.Td>
                      <Code>{k.prefix}…</Code>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">{k.scopes.join(', ')}</Text>
                    </Table.Td>
                    <Table.Td className="nowrap">{f.date(k.createdAt)}</Table.Td>
                    <Table.Td>
                      {k.revokedAt ? (
                        <Text size="sm" c="dimmed">
                          {t('staff.revokedOn', { date: f.date(k.revokedAt) })}
                        </Text>
                      ) : (
                        <Button
                          size="xs"
                          color="red"
                          variant="outline"
                          loading={revoke.isPending && revoke.variables === k.id}
                          onClick={() => {
                            if (window.confirm(t('staff.revokeConfirm', { name: k.name })))
                              revoke.mutate(k.id);
                          }}
                        >
                          {t('staff.revoke')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        )}
      </QueryState>
      {revoke.isError && <ErrorAlert error={revoke.error} />}
      <Card withBorder>
        <form onSubmit={submit}>
          <Stack gap="sm">
            <Title order={3} size="h5">
              {t('staff.newKey')}
            </Title>
            <TextInput
              label={t('common.name')}
              description={t('staff.keyNameHint')}
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <MultiSelect
              label={t('staff.scopes')}
              data={SCOPES}
              value={scopes}
              onChange={setScopes}
              searchable
            />
            {create.isError && <ErrorAlert error={create.error} />}
            <Group>
              <Button type="submit" loading={create.isPending} disabled={!name.trim() || scopes.length === 0}>
                {t('common.create')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
      <AppModal opened={shown !== null} onClose={() => setShown(null)} title={t('staff.keyCreated')}>
        {shown && (
          <Stack>
            <Alert color="yellow">{t('staff.showOnce')}</Alert>
            <Code block data-testid="new-api-key">
              {shown.key}
            </Code>
            <Group>
              <CopyButton value={shown.key}>
                {({ copied, copy }) => (
                  <Button onClick={copy} variant={copied ? 'light' : 'filled'}>
                    {copied ? t('common.copied') : t('common.copy')}
                  </Button>
                )}
              </CopyButton>
              <Button variant="subtle" onClick={() => setShown(null)}>
                {t('common.close')}
              </Button>
            </Group>
          </Stack>
        )}
      </AppModal>
    </Stack>
  );
}

export function StaffPage() {
  const { t } = useTranslation();
  const me = useMe().data;
  return (
    <Stack>
      <PageHeader title={t('staff.title')} />
      <Tabs defaultValue="users" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="users">{t('staff.users')}</Tabs.Tab>
          {hasScope(me, 'admin') && <Tabs.Tab value="keys">{t('staff.keys')}</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="users" pt="md">
          <StaffUsers />
        </Tabs.Panel>
        {hasScope(me, 'admin') && (
          <Tabs.Panel value="keys" pt="md">
            <ApiKeys />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}
