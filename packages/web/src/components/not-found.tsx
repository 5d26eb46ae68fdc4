import { Button, Container, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Container size="sm" py="xl" component="main">
      <Title order={1}>{t('common.notFoundTitle')}</Title>
      <Text c="dimmed" my="md">
        {t('common.notFoundText')}
      </Text>
      <Button component={Link} to="/">
        {t('common.goHome')}
      </Button>
    </Container>
  );
}
