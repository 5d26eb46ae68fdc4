import {
  Box,
  Button,
  Center,
  Container,
  Group,
  Loader,
  SegmentedControl,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { ErrorAlert } from '../../components/error-alert';
import { api } from '../../lib/api';
import { LanguageSwitch } from '../../shell/language-switch';
import { CABINET_ME, useCabinetMe } from './cabinet-api';
import { CardView } from './card-view';
import { HistoryView } from './history-view';
import { OffersView } from './offers-view';
import { ProfileView } from './profile-view';
import { CabinetSignIn } from './sign-in';

const TABS = ['card', 'offers', 'history', 'profile'] as const;

/** The member cabinet: mobile-first, its own sign-in (phone or email + one-time code) and session. */
export function CabinetApp() {
  const { t } = useTranslation();
  const me = useCabinetMe();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const tab = TABS.find((x) => location.pathname.startsWith(`/cabinet/${x}`)) ?? 'card';
  const signOut = async () => {
    await api.post('/v1/cabinet/logout').catch(() => undefined);
    queryClient.setQueryData(CABINET_ME, null);
    queryClient.removeQueries({ queryKey: ['cabinet'], predicate: (q) => q.queryKey[1] !== 'me' });
    void navigate('/cabinet', { replace: true });
  };
  return (
    <Box mih="100vh" bg="gray.0">
      <Container size={480} px="sm" py="md">
        <Stack>
          <Group justify="space-between" wrap="nowrap" component="header">
            <div>
              <Title order={1} size="h3">
                {me.data?.program.name ?? t('common.appName')}
              </Title>
              <Text size="sm" c="dimmed">
                {t('cabinet.title')}
              </Text>
            </div>
            <LanguageSwitch size="sm" />
          </Group>
          <main>
            {me.isPending ? (
              <Center py="xl">
                <Loader aria-label={t('common.loading')} />
              </Center>
            ) : me.isError ? (
              <ErrorAlert error={me.error} />
            ) : me.data === null ? (
              <CabinetSignIn />
            ) : (
              <Stack>
                <Text>
                  {me.data.firstName
                    ? t('cabinet.helloNamed', { name: me.data.firstName })
                    : t('cabinet.hello')}
                </Text>
                <SegmentedControl
                  fullWidth
                  size="md"
                  // Four sections must fit a 375 px screen without cutting a label.
                  styles={{ label: { paddingInline: 4 } }}
                  aria-label={t('cabinet.sections')}
                  value={tab}
                  onChange={(v) => void navigate(v === 'card' ? '/cabinet' : `/cabinet/${v}`)}
                  data={TABS.map((x) => ({ value: x, label: t(`cabinet.tab.${x}`) }))}
                />
                <Routes>
                  <Route index element={<CardView profile={me.data} />} />
                  <Route path="card" element={<Navigate to="/cabinet" replace />} />
                  <Route path="offers" element={<OffersView profile={me.data} />} />
                  <Route path="history" element={<HistoryView profile={me.data} />} />
                  <Route path="profile" element={<ProfileView profile={me.data} />} />
                  <Route path="*" element={<Navigate to="/cabinet" replace />} />
                </Routes>
                <Button variant="subtle" onClick={() => void signOut()}>
                  {t('common.logout')}
                </Button>
              </Stack>
            )}
          </main>
        </Stack>
      </Container>
    </Box>
  );
}
