import { Button, Container, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useRouteError } from 'react-router-dom';

export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  return (
    <Container size="sm" py="xl">
      <Title order={1} size="h2">
        {t('errors.pageFailed')}
      </Title>
      <Text c="dimmed" my="md">
        {error instanceof Error ? error.message : t('errors.unknown')}
      </Text>
      <Button onClick={() => window.location.reload()}>{t('common.retry')}</Button>
    </Container>
  );
}
