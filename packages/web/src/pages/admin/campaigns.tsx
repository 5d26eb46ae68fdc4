import { Anchor, Button, Select, Stack, Table } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ErrorAlert } from '../../components/error-alert';
import { OptionalList } from '../../components/optional-list';
import { PageHeader } from '../../components/page-header';
import { api } from '../../lib/api';
import { useOptionalList } from '../../lib/api-paths';
import { describeCampaign } from '../../lib/campaign-text';
import { useFormat } from '../../lib/format';
import { useCurrency } from '../../lib/queries';
import type { Campaign } from '../../lib/types';
import { hasScope, useMe } from '../../shell/staff-gate';

export const CAMPAIGN_STATUSES = ['draft', 'active', 'paused', 'ended'] as const;

export function CampaignsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const { currency } = useCurrency();
  const me = useMe().data;
  const canWrite = hasScope(me, 'campaigns:write');
  const queryClient = useQueryClient();
  const { query, missing } = useOptionalList<Campaign>('/v1/campaigns', '/v1/campaigns?limit=200', [
    'campaigns',
  ]);
  const setStatus = useMutation({
    mutationFn: ({ id, status }: { id: string; status: string }) =>
      api.patch<Campaign>(`/v1/campaigns/${id}`, { status }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['campaigns'] }),
  });
  return (
    <Stack>
      <PageHeader
        title={t('campaigns.title')}
        description={t('campaigns.subtitle')}
        actions={
          canWrite &&
          !missing && (
            <Button component={Link} to="/admin/campaigns/new">
              {t('campaigns.new')}
            </Button>
          )
        }
      />
      <OptionalList
        missing={missing}
        unavailable={t('campaigns.unavailable')}
        query={query}
        empty={t('campaigns.none')}
        label={t('campaigns.title')}
      >
        {(items) => (
          <Table striped verticalSpacing="xs" miw={680}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('common.name')}</Table.Th>
                <Table.Th>{t('campaigns.what')}</Table.Th>
                <Table.Th>{t('campaigns.when')}</Table.Th>
                <Table.Th>{t('campaigns.priority')}</Table.Th>
                <Table.Th>{t('common.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((c) => (
                <Table.Tr key={c.campaignId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/admin/campaigns/${c.campaignId}`}>
                      {c.name}
                    </Anchor>
                    {c.status !== 'active' && c.status !== 'ended' && (
                      <Anchor
                        component={Link}
                        to={`/admin/campaigns/${c.campaignId}?simulate=30#simulation`}
                        size="xs"
                        display="block"
                        aria-label={t('simulation.linkFor', { name: c.name })}
                      >
                        {t('simulation.link')}
                      </Anchor>
                    )}
                  </Table.Td>
                  <Table.Td>{describeCampaign(t, c, (m) => f.money(m, currency))}</Table.Td>
                  <Table.Td className="nowrap">
                    {c.startsAt || c.endsAt
                      ? `${f.date(c.startsAt)} – ${f.date(c.endsAt)}`
                      : t('campaigns.always')}
                  </Table.Td>
                  <Table.Td>{c.priority}</Table.Td>
                  <Table.Td miw={140}>
                    <Select
                      aria-label={t('campaigns.statusOf', { name: c.name })}
                      size="xs"
                      value={c.status}
                      disabled={!canWrite}
                      allowDeselect={false}
                      data={CAMPAIGN_STATUSES.map((s) => ({
                        value: s,
                        label: t(`campaigns.state.${s}`),
                      }))}
                      onChange={(v) =>
                        v && v !== c.status && setStatus.mutate({ id: c.campaignId, status: v })
                      }
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </OptionalList>
      {setStatus.isError && <ErrorAlert error={setStatus.error} />}
    </Stack>
  );
}
