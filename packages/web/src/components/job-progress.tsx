import { Group, Progress, Stack, Text } from '@mantine/core';
import { useInterval } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../lib/format';
import {
  addSample,
  computeProgress,
  type JobState,
  type ProgressSample,
  splitSeconds,
} from '../lib/progress';

/**
 * A long operation in progress: a determinate bar with "n of m" and the time left when the server
 * reports counts (coupon codes), an animated bar with the time spent so far when it does not (a
 * simulation that answers once it is done). Screen readers get a labelled progressbar and the
 * text in a polite live region.
 */
export function JobProgress({ label, state, unit }: { label: string; state: JobState; unit?: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [samples, setSamples] = useState<readonly ProgressSample[]>([]);
  const [startedAt] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  const ticker = useInterval(() => setNow(Date.now()), 1000);
  useEffect(() => {
    if (state.status !== 'running') return;
    ticker.start();
    return ticker.stop;
  }, [state.status, ticker.start, ticker.stop]);
  useEffect(() => {
    if (state.done !== undefined) setSamples((s) => addSample(s, { at: Date.now(), done: state.done ?? 0 }));
  }, [state.done]);

  const view = computeProgress(state, samples);
  const time = (seconds: number) => {
    const { minutes, seconds: s } = splitSeconds(seconds);
    return minutes > 0
      ? t('progress.minutesSeconds', { minutes, seconds: s })
      : t('progress.seconds', { seconds: s });
  };
  const counts =
    state.done !== undefined && state.total !== undefined
      ? t('progress.counts', {
          done: f.number(state.done),
          total: f.number(state.total),
          unit: unit ?? '',
        }).trim()
      : null;
  const detail =
    state.status === 'failed'
      ? t('progress.failed')
      : state.status === 'done'
        ? t('progress.done')
        : view.fraction === null
          ? t('progress.elapsed', { time: time((now - startedAt) / 1000) })
          : view.etaSeconds !== null
            ? t('progress.left', { time: time(view.etaSeconds) })
            : t('progress.working');
  const color = state.status === 'failed' ? 'red.9' : undefined;
  return (
    <Stack gap={4} data-testid="job-progress" data-status={state.status}>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={500}>
          {label}
        </Text>
        {view.percent !== null && (
          <Text size="sm" fw={600}>
            {view.percent} %
          </Text>
        )}
      </Group>
      {view.fraction === null ? (
        <Progress.Root size="lg">
          <Progress.Section
            value={100}
            color={color}
            animated={state.status === 'running'}
            withAria={false}
            role="progressbar"
            aria-label={label}
            aria-valuetext={detail}
          />
        </Progress.Root>
      ) : (
        <Progress
          size="lg"
          value={(view.percent ?? 0) as number}
          color={color}
          animated={state.status === 'running'}
          aria-label={label}
        />
      )}
      <Text size="xs" c={state.status === 'failed' ? 'red.9' : 'dimmed'} aria-live="polite">
        {[counts, detail].filter(Boolean).join(' · ')}
      </Text>
    </Stack>
  );
}
