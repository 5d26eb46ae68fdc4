import { TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A date and time field (the browser's own picker, local time); empty means no limit. */
export function OptionalDateTime({
  label,
  value,
  onChange,
  error,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <TextInput
      type="datetime-local"
      label={label}
      description={t('campaigns.emptyMeansAlways')}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error}
    />
  );
}
