import { List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ReceiptEffect } from '../lib/types';

export function EffectsList({ effects }: { effects: ReceiptEffect[] }) {
  const { t, i18n } = useTranslation();
  if (effects.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t('receipt.noEffects')}
      </Text>
    );
  return (
    <List size="sm" spacing={4}>
      {effects.map((e, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: effects are an ordered list without ids
        <List.Item key={i}>
          {i18n.language === 'ru' && e.descriptionRu ? e.descriptionRu : e.description}
        </List.Item>
      ))}
    </List>
  );
}
