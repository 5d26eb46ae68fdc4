import { Badge, Card, CopyButton, Group, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { QueryState } from '../../components/query-state';
import { api } from '../../lib/api';
import { describeCampaign, describeEffect } from '../../lib/campaign-text';
import { useFormat } from '../../lib/format';
import type { CabinetOffers, CabinetProfile } from '../../lib/types';

const REASONS = ['not_yet_valid', 'expired', 'used_up', 'member_limit_reached', 'void'] as const;

/** My offers: what I get at the till right now, and my personal coupons with what they unlock. */
export function OffersView({ profile }: { profile: CabinetProfile }) {
  const { t } = useTranslation();
  const f = useFormat();
  const money = (minor: number) => f.money(minor, profile.program.currency);
  const offers = useQuery({
    queryKey: ['cabinet', 'offers'],
    queryFn: ({ signal }) => api.get<CabinetOffers>('/v1/cabinet/offers', signal),
  });
  return (
    <QueryState query={offers}>
      {(o) => {
        const usable = o.coupons.filter((c) => c.valid);
        const other = o.coupons.filter((c) => !c.valid);
        return (
          <Stack>
            <Card withBorder radius="lg" padding="md">
              <Title order={2} size="h4" mb="sm">
                {t('cabinet.myCoupons')}
              </Title>
              {usable.length === 0 ? (
                <Text c="dimmed">{t('cabinet.noCoupons')}</Text>
              ) : (
                <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                  {usable.map((c) => (
                    <Card
                      key={c.code}
                      component="li"
                      withBorder
                      radius="md"
                      padding="sm"
                      data-testid="cabinet-coupon"
                    >
                      <Stack gap={4}>
                        <Text fw={600}>{c.seriesName}</Text>
                        <CopyButton value={c.code}>
                          {({ copied, copy }) => (
                            <UnstyledButton
                              onClick={copy}
                              aria-label={t('cabinet.copyCode', { code: c.code })}
                            >
                              <Group gap="xs" wrap="nowrap">
                                <Text ff="monospace" fw={700} fz={22} className="nowrap">
                                  {c.code}
                                </Text>
                                <Text size="sm" c="teal.9">
                                  {copied ? t('common.copied') : t('common.copy')}
                                </Text>
                              </Group>
                            </UnstyledButton>
                          )}
                        </CopyButton>
                        {c.campaigns.map((x) => (
                          <Text key={x.campaignId} size="sm">
                            {`${x.name}: ${describeEffect(t, x.effect, money)}`}
                          </Text>
                        ))}
                        <Text size="xs" c="dimmed">
                          {c.endsAt
                            ? t('cabinet.couponUntil', { date: f.date(c.endsAt) })
                            : t('cabinet.couponNoEnd')}
                        </Text>
                      </Stack>
                    </Card>
                  ))}
                </Stack>
              )}
              <Text size="xs" c="dimmed" mt="sm">
                {t('cabinet.couponHint')}
              </Text>
            </Card>
            <Card withBorder radius="lg" padding="md">
              <Title order={2} size="h4" mb="sm">
                {t('cabinet.offers')}
              </Title>
              {o.campaigns.length === 0 ? (
                <Text c="dimmed">{t('cabinet.noOffers')}</Text>
              ) : (
                <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                  {o.campaigns.map((c) => (
                    <li key={c.campaignId} data-testid="cabinet-offer">
                      <Text fw={600}>{c.name}</Text>
                      <Text size="sm">{describeCampaign(t, c, money)}</Text>
                      {c.endsAt && (
                        <Text size="xs" c="dimmed">
                          {t('cabinet.offerUntil', { date: f.date(c.endsAt) })}
                        </Text>
                      )}
                    </li>
                  ))}
                </Stack>
              )}
            </Card>
            {other.length > 0 && (
              <Card withBorder radius="lg" padding="md">
                <Title order={2} size="h4" mb="sm">
                  {t('cabinet.pastCoupons')}
                </Title>
                <Stack gap={4} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                  {other.map((c) => (
                    <Group key={c.code} component="li" justify="space-between" wrap="nowrap">
                      <Text size="sm">
                        {c.seriesName}{' '}
                        <Text span ff="monospace">
                          {c.code}
                        </Text>
                      </Text>
                      <Badge variant="outline" color="gray.7" radius="sm">
                        {REASONS.includes(c.reason as (typeof REASONS)[number])
                          ? t(`cabinet.couponReason.${c.reason as (typeof REASONS)[number]}`)
                          : t('cabinet.couponReason.other')}
                      </Badge>
                    </Group>
                  ))}
                </Stack>
              </Card>
            )}
          </Stack>
        );
      }}
    </QueryState>
  );
}
