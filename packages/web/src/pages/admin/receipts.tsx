import { Button, Group, Stack, TextInput } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { ErrorAlert } from '../../components/error-alert';
import { PageHeader } from '../../components/page-header';
import { ReceiptsTable } from '../../components/receipts-table';
import { api, qs } from '../../lib/api';
import { type ReceiptFilter as Filter, receiptFilterQuery } from '../../lib/receipt-filter';
import type { Page, ReceiptListItem } from '../../lib/types';

export function ReceiptsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const empty: Filter = { memberId: '', storeId: '', from: '', to: '' };
  const [draft, setDraft] = useState<Filter>(empty);
  const [filter, setFilter] = useState<Filter>(empty);
  const [receiptId, setReceiptId] = useState('');
  const query = useInfiniteQuery({
    queryKey: ['receipts', filter],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<ReceiptListItem>>(
        `/v1/receipts${qs({ ...receiptFilterQuery(filter), limit: 50, cursor: pageParam })}`,
        signal,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const set = (k: keyof Filter) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setDraft({ ...draft, [k]: e.currentTarget.value });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter(draft);
  };
  const open = (e: FormEvent) => {
    e.preventDefault();
    if (receiptId.trim()) void navigate(`/admin/receipts/${encodeURIComponent(receiptId.trim())}`);
  };
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <PageHeader title={t('receipts.title')} />
      <form onSubmit={open}>
        <Group align="flex-end">
          <TextInput
            label={t('receipts.openById')}
            value={receiptId}
            onChange={(e) => setReceiptId(e.currentTarget.value)}
          />
          <Button type="submit" variant="light">
            {t('common.open')}
          </Button>
        </Group>
      </form>
      <form onSubmit={apply}>
        <Group align="flex-end" gap="sm">
          <TextInput label={t('receipts.memberId')} value={draft.memberId} onChange={set('memberId')} />
          <TextInput label={t('receipts.storeId')} value={draft.storeId} onChange={set('storeId')} />
          <TextInput label={t('common.from')} type="date" value={draft.from} onChange={set('from')} />
          <TextInput label={t('common.to')} type="date" value={draft.to} onChange={set('to')} />
          <Button type="submit">{t('common.apply')}</Button>
          <Button
            variant="subtle"
            onClick={() => {
              setDraft(empty);
              setFilter(empty);
            }}
          >
            {t('common.reset')}
          </Button>
        </Group>
      </form>
      {query.isError && <ErrorAlert error={query.error} />}
      {query.isSuccess && (
        <ReceiptsTable items={items} linkTo={(id) => `/admin/receipts/${encodeURIComponent(id)}`} />
      )}
      {query.hasNextPage && (
        <Button variant="light" onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
          {t('common.loadMore')}
        </Button>
      )}
    </Stack>
  );
}
