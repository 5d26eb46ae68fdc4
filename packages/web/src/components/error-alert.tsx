import { Alert, type AlertProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../lib/errors';

export function ErrorAlert({
  error,
  title,
  ...props
}: { error: unknown; title?: string } & Omit<AlertProps, 'title'>) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert color="red" variant="light" role="alert" title={title ?? t('errors.title')} {...props}>
      {errorMessage(t, error)}
    </Alert>
  );
}
