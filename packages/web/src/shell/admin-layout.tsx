import { AppShell, Burger, Button, Group, NavLink, ScrollArea, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Outlet, NavLink as RouterNavLink, useLocation } from 'react-router-dom';
import { isActivePath } from '../lib/nav-path';
import { LanguageSwitch } from './language-switch';
import { hasScope, useMe } from './staff-gate';
import { useStaffLogout } from './use-logout';

type Item = { to: string; label: string; scope?: string; end?: boolean };

export function AdminLayout() {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure();
  const me = useMe().data;
  const logout = useStaffLogout();
  const location = useLocation();

  const items: Item[] = [
    { to: '/admin', label: t('nav.dashboard'), scope: 'analytics:read', end: true },
    { to: '/admin/members', label: t('nav.members'), scope: 'members:read' },
    { to: '/admin/receipts', label: t('nav.receipts'), scope: 'receipts:read' },
    { to: '/admin/program', label: t('nav.program'), scope: 'program:read' },
    { to: '/admin/campaigns', label: t('nav.campaigns'), scope: 'campaigns:read' },
    { to: '/admin/coupons', label: t('nav.coupons'), scope: 'campaigns:read' },
    { to: '/admin/tiers', label: t('nav.tiers'), scope: 'tiers:read' },
    { to: '/admin/memberships', label: t('nav.memberships'), scope: 'memberships:read' },
    { to: '/admin/staff', label: t('nav.staff'), scope: 'staff:read' },
    { to: '/admin/audit', label: t('nav.audit'), scope: 'audit:read' },
  ];
  const visible = items.filter((i) => !i.scope || hasScope(me, i.scope));

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'sm', sm: 'md' }}
    >
      <a className="skip-link" href="#main">
        {t('common.skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('nav.openMenu')}
            />
            <Title order={1} size="h4">
              {t('common.appName')}
            </Title>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <LanguageSwitch />
            <Button variant="subtle" size="xs" onClick={() => void logout()}>
              {t('common.logout')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t('nav.label')}>
        <ScrollArea>
          {visible.map((item) => (
            <NavLink
              key={item.to}
              component={RouterNavLink}
              to={item.to}
              end={item.end}
              label={item.label}
              onClick={close}
              active={isActivePath(location.pathname, item.to, item.end)}
            />
          ))}
          {hasScope(me, 'receipts:write') && (
            <NavLink component={RouterNavLink} to="/cashier" label={t('nav.cashier')} onClick={close} />
          )}
          <NavLink component="a" href="/cabinet" label={t('nav.cabinet')} onClick={close} />
        </ScrollArea>
        {me?.role && (
          <Text size="xs" c="dimmed" mt="auto" px="sm">
            {t(`roles.${me.role}`)}
          </Text>
        )}
      </AppShell.Navbar>
      <AppShell.Main id="main">
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
