import { Anchor, Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { AppModal } from '../../components/app-modal';
import { ErrorAlert } from '../../components/error-alert';
import { memberDisplayName } from '../../components/member-name';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { StatusBadge } from '../../components/status-badge';
import { TableScroll } from '../../components/table-scroll';
import { api, isApiError, qs } from '../../lib/api';
import { useHasEndpoint } from '../../lib/api-paths';
import { useFormat } from '../../lib/format';
import { memberSearchParams } from '../../lib/member-search';
import type { Member, Page } from '../../lib/types';
import { hasScope, useMe } from '../../shell/staff-gate';

// Inside the dialog: Mantine unmounts it on close, so each opening starts with an empty form.
function NewMemberForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form, setForm] = useState({ phone: '', firstName: '', lastName: '', email: '' });
  const create = useMutation({
    mutationFn: () =>
      api.post<Member>(
        '/v1/members',
        Object.fromEntries(
          Object.entries(form)
            .filter(([, v]) => v.trim() !== '')
            .map(([k, v]) => [k, v.trim()]),
        ),
      ),
    onSuccess: (m) => {
      notifications.show({ color: 'teal', message: t('members.created') });
      onClose();
      void navigate(`/admin/members/${m.memberId}`);
    },
  });
  const existing =
    isApiError(create.error, 'member_exists') &&
    (create.error.details as { memberId?: string } | undefined)?.memberId;
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [k]: e.currentTarget.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit}>
      <Stack>
        <TextInput
          label={t('common.phone')}
          type="tel"
          value={form.phone}
          onChange={set('phone')}
          data-autofocus
        />
        <TextInput label={t('common.firstName')} value={form.firstName} onChange={set('firstName')} />
        <TextInput label={t('common.lastName')} value={form.lastName} onChange={set('lastName')} />
        <TextInput label={t('common.email')} type="email" value={form.email} onChange={set('email')} />
        {create.isError && <ErrorAlert error={create.error} />}
        {existing && (
          <Anchor component={Link} to={`/admin/members/${existing}`} onClick={onClose}>
            {t('members.openExisting')}
          </Anchor>
        )}
        <Button type="submit" loading={create.isPending}>
          {t('common.create')}
        </Button>
      </Stack>
    </form>
  );
}

export function MembersPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useMe().data;
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const [opened, { open, close }] = useDisclosure(false);
  const params = memberSearchParams(debounced);
  // Every member's balances as CSV, streamed by the server (the same as `kopilka export balances`).
  const canExportBalances =
    useHasEndpoint('GET', '/v1/exports/balances.csv') === true &&
    hasScope(me, 'members:read') &&
    hasScope(me, 'ledger:read');
  const query = useQuery({
    queryKey: ['members', params],
    queryFn: ({ signal }) => api.get<Page<Member>>(`/v1/members${qs({ ...params, limit: 50 })}`, signal),
  });
  return (
    <Stack>
      <PageHeader
        title={t('members.title')}
        actions={
          <>
            {canExportBalances && (
              <Button component="a" href="/v1/exports/balances.csv" download="balances.csv" variant="light">
                {t('members.exportBalances')}
              </Button>
            )}
            {hasScope(me, 'members:write') && <Button onClick={open}>{t('members.new')}</Button>}
          </>
        }
      />
      <TextInput
        label={t('members.search')}
        description={t('members.searchHint')}
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        type="search"
        maw={480}
      />
      <QueryState query={query}>
        {(page) =>
          page.items.length === 0 ? (
            <Text c="dimmed">{t('members.none')}</Text>
          ) : (
            <TableScroll label={t('members.title')}>
              <Table striped highlightOnHover verticalSpacing="xs" miw={600}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('common.name')}</Table.Th>
                    <Table.Th>{t('common.phone')}</Table.Th>
                    <Table.Th>{t('members.card')}</Table.Th>
                    <Table.Th>{t('common.status')}</Table.Th>
                    <Table.Th>{t('members.since')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {page.items.map((m) => (
                    <Table.Tr key={m.memberId}>
                      <Table.Td>
                        <Anchor component={Link} to={`/admin/members/${m.memberId}`}>
                          {memberDisplayName(m)}
                        </Anchor>
                      </Table.Td>
                      <Table.Td className="nowrap">{m.phone ?? '—'}</Table.Td>
                      <Table.Td className="nowrap">{m.cardNumber ?? '—'}</Table.Td>
                      <Table.Td>
                        <StatusBadge status={m.status} />
                      </Table.Td>
                      <Table.Td className="nowrap">{f.date(m.createdAt)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          )
        }
      </QueryState>
      <Group>
        <AppModal opened={opened} onClose={close} title={t('members.new')}>
          <NewMemberForm onClose={close} />
        </AppModal>
      </Group>
    </Stack>
  );
}
