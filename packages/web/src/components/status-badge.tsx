import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const COLORS: Record<string, string> = {
  active: 'teal.9',
  confirmed: 'teal.9',
  blocked: 'red.9',
  cancelled: 'red.9',
  refunded: 'gray.7',
  partially_refunded: 'yellow.4',
  anonymized: 'gray.7',
  merged: 'gray.7',
  draft: 'gray.7',
  paused: 'yellow.4',
  ended: 'gray.7',
};

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  const known = status in COLORS;
  return (
    <Badge color={COLORS[status] ?? 'gray.7'} variant="filled" radius="sm" autoContrast>
      {known ? t(`status.${status as 'active'}`) : status}
    </Badge>
  );
}
