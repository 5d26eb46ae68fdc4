import { Alert, Button, Card, Group, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert';
import { JobProgress } from '../../components/job-progress';
import { api } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { useCurrency } from '../../lib/queries';
import { SIMULATION_DAYS, summarizeSimulation } from '../../lib/simulation';
import type { CampaignSimulation } from '../../lib/types';

function Figure({ label, value, hint }: { label: string; value: string; hint?: string | undefined }) {
  return (
    <div>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz="xl" fw={700}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </div>
  );
}

/**
 * The campaign replayed on the receipts of the last N days (as saved: a draft, say), before it is
 * switched on: whom it would have reached and what it would have cost.
 */
export function CampaignSimulationCard({
  campaignId,
  autoRunDays,
  unsaved,
}: {
  campaignId: string;
  autoRunDays: number | null;
  unsaved: boolean;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const { currency } = useCurrency();
  const [days, setDays] = useState(String(autoRunDays ?? 30));
  const run = useMutation({
    mutationFn: (d: number) =>
      api.post<CampaignSimulation>(`/v1/campaigns/${campaignId}/simulation`, { days: d }),
  });
  const autoRan = useRef(false);
  useEffect(() => {
    if (autoRunDays === null || autoRan.current) return;
    autoRan.current = true;
    run.mutate(autoRunDays);
  }, [autoRunDays, run]);
  const sim = run.data;
  const summary = sim ? summarizeSimulation(sim) : null;
  const money = (minor: number) => f.money(minor, currency);
  return (
    <Card withBorder id="simulation" component="section" aria-labelledby="simulation-title">
      <Stack gap="sm">
        <Title order={3} size="h5" id="simulation-title">
          {t('simulation.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('simulation.hint')}
        </Text>
        {unsaved && (
          <Alert color="yellow" variant="light">
            {t('simulation.unsaved')}
          </Alert>
        )}
        <Group align="flex-end">
          <Select
            label={t('simulation.period')}
            value={days}
            onChange={(v) => v && setDays(v)}
            data={SIMULATION_DAYS.map((d) => ({
              value: String(d),
              label: t('simulation.days', { count: d }),
            }))}
            allowDeselect={false}
            w={200}
          />
          <Button variant="light" loading={run.isPending} onClick={() => run.mutate(Number(days))}>
            {sim ? t('simulation.runAgain') : t('simulation.run')}
          </Button>
        </Group>
        {run.isPending && (
          <JobProgress
            label={t('simulation.running', { count: Number(days) })}
            state={{ status: 'running' }}
          />
        )}
        {run.isError && <ErrorAlert error={run.error} />}
        {sim && summary && !run.isPending && (
          <Stack gap="sm" data-testid="simulation-result">
            <Text size="sm">
              {t('simulation.window', {
                from: f.date(sim.from),
                to: f.date(sim.to),
                count: sim.receiptsScanned,
                receipts: f.number(sim.receiptsScanned),
              })}
            </Text>
            {sim.receiptsScanned === 0 ? (
              <Alert color="gray">{t('simulation.noReceipts')}</Alert>
            ) : (
              <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
                <Figure
                  label={t('simulation.reachedReceipts')}
                  value={f.number(sim.reached.receipts)}
                  hint={
                    summary.reachedShare !== null
                      ? t('simulation.share', {
                          percent: f.number(Math.round(summary.reachedShare * 1000) / 10),
                        })
                      : undefined
                  }
                />
                <Figure
                  label={t('simulation.reachedMembers')}
                  value={f.number(sim.reached.members)}
                  hint={t('simulation.anonymous', { count: sim.reached.anonymousReceipts })}
                />
                <Figure
                  label={t('simulation.extraPoints')}
                  value={f.points(sim.cost.points)}
                  hint={t('simulation.worth', { money: money(sim.cost.pointsValueMinor) })}
                />
                <Figure label={t('simulation.extraDiscount')} value={money(sim.cost.discountMinor)} />
                <Figure
                  label={t('simulation.totalCost')}
                  value={money(summary.totalCostMinor)}
                  hint={
                    summary.costPerReceiptMinor !== null
                      ? t('simulation.perReceipt', { money: money(summary.costPerReceiptMinor) })
                      : undefined
                  }
                />
                <Figure label={t('simulation.stoppedByLimits')} value={f.number(sim.stoppedByLimits)} />
              </SimpleGrid>
            )}
            {sim.truncated && (
              <Alert color="yellow" variant="light">
                {t('simulation.truncated', { receipts: f.number(sim.receiptsScanned) })}
              </Alert>
            )}
            <Text size="xs" c="dimmed">
              {t('simulation.note')}
            </Text>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
