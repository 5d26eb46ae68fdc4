import {
  ActionIcon,
  Button,
  Card,
  Group,
  Stack,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DraftLine, LineProblem } from '../../lib/cashier';
import { useFormat } from '../../lib/format';
import { parseMoneyToMinor } from '../../lib/money';
import { lineAmountMinor, parseQuantityMilli } from '../../lib/quantity';

let lineSeq = 0;
export const newDraftLine = (): DraftLine => ({
  key: `l${lineSeq++}`,
  sku: '',
  category: '',
  quantity: '1',
  price: '',
});

export function LinesEditor({
  lines,
  onChange,
  problems,
  currency,
  digits,
}: {
  lines: DraftLine[];
  onChange: (lines: DraftLine[]) => void;
  problems: LineProblem[];
  currency: string;
  digits: number;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const update = (key: string, patch: Partial<DraftLine>) =>
    onChange(lines.map((l) => (l.key === key ? { ...l, ...patch } : l)));
  // An empty field is not wrong yet, only unfinished.
  const bad = (line: DraftLine, field: LineProblem['field']) =>
    line[field].trim() !== '' && problems.some((p) => p.key === line.key && p.field === field)
      ? t('cashier.lineInvalid')
      : undefined;
  return (
    <Card withBorder padding="lg">
      <Stack>
        <Title order={2} size="h4">
          {t('cashier.receipt')}
        </Title>
        {lines.map((l, i) => {
          const milli = parseQuantityMilli(l.quantity);
          const price = parseMoneyToMinor(l.price, digits);
          const total = milli !== undefined && price !== undefined ? lineAmountMinor(price, milli) : null;
          return (
            <fieldset key={l.key} style={{ border: 0, padding: 0, margin: 0 }}>
              <VisuallyHidden component="legend">{t('cashier.lineN', { n: i + 1 })}</VisuallyHidden>
              <Group align="flex-end" gap="xs" wrap="wrap">
                <TextInput
                  size="md"
                  label={t('cashier.sku')}
                  value={l.sku}
                  onChange={(e) => update(l.key, { sku: e.currentTarget.value })}
                  w={{ base: '100%', xs: 160 }}
                />
                <TextInput
                  size="md"
                  label={t('cashier.category')}
                  value={l.category}
                  onChange={(e) => update(l.key, { category: e.currentTarget.value })}
                  w={{ base: '100%', xs: 150 }}
                />
                <TextInput
                  size="md"
                  label={t('cashier.qty')}
                  value={l.quantity}
                  inputMode="decimal"
                  onChange={(e) => update(l.key, { quantity: e.currentTarget.value })}
                  error={bad(l, 'quantity')}
                  w={90}
                />
                <TextInput
                  size="md"
                  label={t('cashier.price', { currency: f.symbol(currency) })}
                  value={l.price}
                  inputMode="decimal"
                  onChange={(e) => update(l.key, { price: e.currentTarget.value })}
                  error={bad(l, 'price')}
                  w={120}
                />
                <Text fw={600} miw={90} ta="right" pb={8} aria-label={t('cashier.lineTotal')}>
                  {total !== null ? f.money(total, currency) : '—'}
                </Text>
                <ActionIcon
                  size="xl"
                  variant="subtle"
                  color="red"
                  aria-label={t('cashier.removeLine', { n: i + 1 })}
                  onClick={() => onChange(lines.filter((x) => x.key !== l.key))}
                  disabled={lines.length === 1}
                >
                  ✕
                </ActionIcon>
              </Group>
            </fieldset>
          );
        })}
        <Group>
          <Button variant="light" size="md" onClick={() => onChange([...lines, newDraftLine()])}>
            {t('cashier.addLine')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
