import { Alert, Button, Card, Group, List, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppModal } from '../../components/app-modal';
import { ErrorAlert } from '../../components/error-alert';
import { memberDisplayName } from '../../components/member-name';
import { StatusBadge } from '../../components/status-badge';
import { api, isApiError, qs } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { newClientId } from '../../lib/ids';
import { memberSearchParams } from '../../lib/member-search';
import { mergeCandidates, mergeCounts, takenFields } from '../../lib/merge';
import type { Member, MemberBalance, MergeResult, Page } from '../../lib/types';

/** Each step of the dialog takes the focus when it appears (the button that led there is gone). */
function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

function MemberSummary({ title, member }: { title: string; member: Member }) {
  const { t } = useTranslation();
  const f = useFormat();
  const balance = useQuery({
    queryKey: ['member', member.memberId, 'balance'],
    queryFn: ({ signal }) => api.get<MemberBalance>(`/v1/members/${member.memberId}/balance`, signal),
  });
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {title}
      </Text>
      <Group gap="xs" mt={4}>
        <Text fw={600}>{memberDisplayName(member)}</Text>
        <StatusBadge status={member.status} />
      </Group>
      <Text size="sm">{[member.phone, member.email].filter(Boolean).join(' · ') || '—'}</Text>
      {member.cardNumber && <Text size="sm">{t('cashier.cardNo', { card: member.cardNumber })}</Text>}
      <Text size="sm">
        {balance.data ? t('merge.balance', { points: f.points(balance.data.points.available) }) : '…'}
      </Text>
    </Card>
  );
}

/** Step 1: find the duplicate by name, phone or email. */
function PickDuplicate({ survivor, onPick }: { survivor: Member; onPick: (m: Member) => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const params = memberSearchParams(debounced);
  const query = useQuery({
    queryKey: ['members', params],
    queryFn: ({ signal }) => api.get<Page<Member>>(`/v1/members${qs({ ...params, limit: 20 })}`, signal),
    enabled: Object.keys(params).length > 0,
  });
  const found = query.data ? mergeCandidates(query.data.items, survivor.memberId) : [];
  return (
    <Stack>
      <Text size="sm">{t('merge.pickHint', { name: memberDisplayName(survivor) })}</Text>
      <TextInput
        label={t('merge.search')}
        description={t('members.searchHint')}
        type="search"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        data-autofocus
      />
      {query.isError && <ErrorAlert error={query.error} />}
      {query.isSuccess && found.length === 0 && <Text c="dimmed">{t('merge.noneFound')}</Text>}
      <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {found.map((m) => (
          <Group key={m.memberId} component="li" justify="space-between" wrap="nowrap">
            <div>
              <Text size="sm" fw={500}>
                {memberDisplayName(m)}
              </Text>
              <Text size="xs" c="dimmed">
                {[m.phone, m.email, m.cardNumber].filter(Boolean).join(' · ')}
              </Text>
            </div>
            <Button
              size="xs"
              variant="light"
              onClick={() => onPick(m)}
              aria-label={t('merge.pickFor', { name: memberDisplayName(m) })}
            >
              {t('merge.pick')}
            </Button>
          </Group>
        ))}
      </Stack>
    </Stack>
  );
}

/** Step 2: say what will happen, then merge. */
function ConfirmMerge({
  survivor,
  duplicate,
  onBack,
  onDone,
}: {
  survivor: Member;
  duplicate: Member;
  onBack: () => void;
  onDone: (r: MergeResult) => void;
}) {
  const { t } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  // One key per intended merge: a retry after a lost answer is the same merge.
  const [key] = useState(() => newClientId('merge'));
  const merge = useMutation({
    mutationFn: () =>
      api.post<MergeResult>(
        `/v1/members/${survivor.memberId}/merge`,
        { duplicateMemberId: duplicate.memberId },
        { idempotencyKey: key },
      ),
    onSuccess: onDone,
  });
  return (
    <Stack>
      <Title order={3} size="h5" ref={heading} tabIndex={-1}>
        {t('merge.confirmTitle')}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <MemberSummary title={t('merge.survivor')} member={survivor} />
        <MemberSummary title={t('merge.duplicate')} member={duplicate} />
      </SimpleGrid>
      <div>
        <Text size="sm" fw={600}>
          {t('merge.whatMoves')}
        </Text>
        <List size="sm" spacing={2}>
          <List.Item>{t('merge.moves.points')}</List.Item>
          <List.Item>{t('merge.moves.receipts')}</List.Item>
          <List.Item>{t('merge.moves.cards')}</List.Item>
          <List.Item>{t('merge.moves.consents')}</List.Item>
          <List.Item>{t('merge.moves.profile')}</List.Item>
          <List.Item>{t('merge.moves.tier')}</List.Item>
        </List>
      </div>
      <Alert color="yellow" variant="light">
        {t('merge.final', { name: memberDisplayName(duplicate) })}
      </Alert>
      {merge.isError &&
        (isApiError(merge.error, 'conflict') ? (
          <Alert color="red" variant="light" role="alert" title={t('merge.refused')}>
            {t('merge.conflict')}
          </Alert>
        ) : (
          <ErrorAlert error={merge.error} />
        ))}
      <Group>
        <Button color="red" loading={merge.isPending} onClick={() => merge.mutate()}>
          {t('merge.submit')}
        </Button>
        <Button variant="subtle" onClick={onBack} disabled={merge.isPending}>
          {t('merge.back')}
        </Button>
      </Group>
    </Stack>
  );
}

/** Step 3: what moved. */
function MergeDone({ result, onClose }: { result: MergeResult; onClose: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const counts = mergeCounts(result.merged);
  const fields = takenFields(result.merged);
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <Stack data-testid="merge-result">
      <Title order={3} size="h5" ref={heading} tabIndex={-1}>
        {t('merge.done', { name: memberDisplayName(result.member) })}
      </Title>
      {counts.length === 0 ? (
        <Text size="sm">{t('merge.nothingMoved')}</Text>
      ) : (
        <List size="sm" spacing={2}>
          {counts.map((c) => (
            <List.Item key={c.what}>
              {t(`merge.moved.${c.what}`, { count: c.count, n: f.number(c.count) })}
            </List.Item>
          ))}
        </List>
      )}
      {fields.length > 0 && (
        <Text size="sm">
          {t('merge.fieldsTaken', { fields: fields.map((x) => t(`merge.field.${x}`)).join(', ') })}
        </Text>
      )}
      <Group>
        <Button onClick={onClose}>{t('common.close')}</Button>
      </Group>
    </Stack>
  );
}

/** "Merge a duplicate into this member": pick the duplicate, confirm, see what moved. */
export function MergeMemberButton({ survivor }: { survivor: Member }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [opened, { open, close }] = useDisclosure(false);
  const [duplicate, setDuplicate] = useState<Member | null>(null);
  const [result, setResult] = useState<MergeResult | null>(null);
  const start = () => {
    setDuplicate(null);
    setResult(null);
    open();
  };
  const finish = () => {
    close();
    if (result) void queryClient.invalidateQueries({ queryKey: ['member'] });
  };
  return (
    <>
      <Button variant="outline" onClick={start}>
        {t('merge.open')}
      </Button>
      <AppModal opened={opened} onClose={finish} title={t('merge.title')} size="lg">
        {result ? (
          <MergeDone result={result} onClose={finish} />
        ) : duplicate ? (
          <ConfirmMerge
            survivor={survivor}
            duplicate={duplicate}
            onBack={() => setDuplicate(null)}
            onDone={(r) => {
              setResult(r);
              void queryClient.invalidateQueries({ queryKey: ['members'] });
            }}
          />
        ) : (
          <PickDuplicate survivor={survivor} onPick={setDuplicate} />
        )}
      </AppModal>
    </>
  );
}
