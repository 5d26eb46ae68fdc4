import { Badge, Card, Center, Group, List, Loader, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert';
import { QueryState } from '../../components/query-state';
import { TierProgressView } from '../../components/tier-progress';
import { api } from '../../lib/api';
import { barcodeTypeFor, qrRefreshDelayMs } from '../../lib/card-codes';
import { groupExpiringByDay } from '../../lib/expiring';
import { useFormat } from '../../lib/format';
import type { CabinetProfile, MemberBalance, QrToken, TierProgress } from '../../lib/types';

/** Draws an SVG for `key` with `render` (a module-level function) and returns it as a data URL. */
function useSvgDataUrl(key: string | undefined, render: (key: string) => Promise<string>): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!key) return;
    let cancelled = false;
    render(key)
      .then((svg) => {
        if (!cancelled) setUrl(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
      })
      .catch(() => {
        if (!cancelled) setUrl(null);
      });
    return () => {
      cancelled = true;
    };
  }, [key, render]);
  return url;
}

const renderQr = (token: string) =>
  QRCode.toString(token, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });

// bwip-js is large; it loads only when a card is shown.
const renderBarcode = (number: string) =>
  import('bwip-js/browser').then((bwip) =>
    bwip.toSVG({ bcid: barcodeTypeFor(number), text: number, scale: 2, height: 14 }),
  );

function QrCard() {
  const { t } = useTranslation();
  const f = useFormat();
  const qr = useQuery({
    queryKey: ['cabinet', 'qr'],
    queryFn: ({ signal }) => api.get<QrToken>('/v1/cabinet/qr-token', signal),
    // Fetch the next code a few seconds before this one stops being accepted.
    refetchInterval: (q) => (q.state.data ? qrRefreshDelayMs(q.state.data.expiresAt, Date.now()) : 10_000),
    refetchIntervalInBackground: false,
    staleTime: 0,
  });
  const token = qr.data?.qrToken;
  const src = useSvgDataUrl(token, renderQr);
  return (
    <Stack align="center" gap={4}>
      {qr.isError ? (
        <ErrorAlert error={qr.error} />
      ) : src ? (
        <img
          src={src}
          alt={t('cabinet.qrAlt')}
          className="qr-image"
          data-testid="member-qr"
          data-token={token}
        />
      ) : (
        <Center h={200}>
          <Loader aria-label={t('common.loading')} />
        </Center>
      )}
      {qr.data && (
        <Text size="xs" c="dimmed">
          {t('cabinet.qrHint', { time: f.time(qr.data.expiresAt) })}
        </Text>
      )}
    </Stack>
  );
}

function Barcode({ number }: { number: string }) {
  const { t } = useTranslation();
  const src = useSvgDataUrl(number, renderBarcode);
  return src ? <img src={src} alt={t('cabinet.barcodeAlt', { number })} className="barcode-image" /> : null;
}

export function CardView({ profile }: { profile: CabinetProfile }) {
  const { t } = useTranslation();
  const f = useFormat();
  const balance = useQuery({
    queryKey: ['cabinet', 'balance'],
    queryFn: ({ signal }) => api.get<MemberBalance>('/v1/cabinet/balance', signal),
  });
  const tier = useQuery({
    queryKey: ['cabinet', 'tier'],
    queryFn: ({ signal }) => api.get<TierProgress>('/v1/cabinet/tier', signal),
  });
  return (
    <Stack>
      <Card withBorder radius="lg" padding="lg">
        <QueryState query={balance}>
          {(b) => (
            <Stack gap={4}>
              <Group justify="space-between" align="flex-start">
                <Text size="sm" c="dimmed">
                  {t('cabinet.balance')}
                </Text>
                {b.tier && (
                  <Badge variant="filled" color="teal.9">
                    {b.tier.name}
                  </Badge>
                )}
              </Group>
              <Text fz={44} fw={800} lh={1.1} data-testid="cabinet-balance">
                {f.points(b.points.available)}
              </Text>
              <Text size="sm">
                {t('cabinet.pointsWorth', {
                  money: f.money(
                    b.points.available * profile.program.pointValueMinor,
                    profile.program.currency,
                  ),
                })}
              </Text>
              {b.points.pending > 0 && (
                <Text size="sm">{t('cabinet.pending', { points: f.points(b.points.pending) })}</Text>
              )}
              {b.points.expiring.length > 0 && (
                <>
                  <Text size="sm" fw={600} mt="xs">
                    {t('cabinet.expiring')}
                  </Text>
                  <List size="sm">
                    {groupExpiringByDay(b.points.expiring)
                      .slice(0, 3)
                      .map((e) => (
                        <List.Item key={e.expiresAt}>
                          {t('member.expiresOn', { points: f.points(e.points), date: f.date(e.expiresAt) })}
                        </List.Item>
                      ))}
                  </List>
                </>
              )}
            </Stack>
          )}
        </QueryState>
      </Card>
      {tier.data && (tier.data.tier || tier.data.nextTier) && (
        <Card withBorder radius="lg" padding="lg">
          <TierProgressView progress={tier.data} currency={profile.program.currency} />
        </Card>
      )}
      <Card withBorder radius="lg" padding="lg">
        <Stack align="center">
          <Title order={2} size="h4">
            {t('cabinet.myCard')}
          </Title>
          <Text size="sm" c="dimmed" ta="center">
            {t('cabinet.showAtTill')}
          </Text>
          <QrCard />
          {profile.cardNumber && (
            <>
              <Barcode number={profile.cardNumber} />
              <Text ff="monospace" size="lg" aria-label={t('cabinet.cardNumber')}>
                {profile.cardNumber}
              </Text>
            </>
          )}
        </Stack>
      </Card>
    </Stack>
  );
}
