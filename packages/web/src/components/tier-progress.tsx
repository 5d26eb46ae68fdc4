import { Badge, Group, Progress, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../lib/format';
import type { TierProgress } from '../lib/types';

/** The member's tier and what is left to the next one, in money (spend) or units (points, visits). */
export function TierProgressView({ progress, currency }: { progress: TierProgress; currency: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (!progress.tier && !progress.nextTier) return null;
  const amount = (n: number) => (progress.metric.kind === 'spend' ? f.money(n, currency) : f.number(n));
  const next = progress.nextTier;
  const percent =
    next && next.threshold > 0
      ? Math.min(100, Math.round((100 * progress.metric.value) / next.threshold))
      : 100;
  return (
    <Stack gap={6}>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t('tierProgress.current')}
        </Text>
        {progress.tier && (
          <Badge variant="filled" color="teal.9">
            {progress.tier.name}
          </Badge>
        )}
      </Group>
      {next ? (
        <>
          <Progress value={percent} size="lg" aria-label={t('tierProgress.toNext', { name: next.name })} />
          <Text size="sm">
            {t('tierProgress.remaining', { amount: amount(next.remaining), name: next.name })}
          </Text>
        </>
      ) : (
        <Text size="sm">{t('tierProgress.top')}</Text>
      )}
      <Text size="xs" c="dimmed">
        {t(`tierProgress.metric.${progress.metric.kind === 'spend' ? 'spend' : 'other'}`, {
          amount: amount(progress.metric.value),
        })}
      </Text>
    </Stack>
  );
}
