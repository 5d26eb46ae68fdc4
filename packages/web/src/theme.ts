import { type CSSVariablesResolver, createTheme } from '@mantine/core';

// Filled buttons use the 9th teal shade so white text keeps a 4.5:1 contrast (WCAG AA); dimmed
// text is darkened for the same reason.
// Close buttons (notifications, dialogs, alerts) are icons: they get their name in the current
// language here, so a screen reader never meets an unnamed button.
export const createAppTheme = (closeLabel: string) =>
  createTheme({
    primaryColor: 'teal',
    primaryShade: { light: 9, dark: 7 },
    fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    defaultRadius: 'md',
    components: {
      Button: { defaultProps: { size: 'sm' } },
      Notification: { defaultProps: { closeButtonProps: { 'aria-label': closeLabel } } },
      Modal: { defaultProps: { closeButtonProps: { 'aria-label': closeLabel } } },
      Alert: { defaultProps: { closeButtonLabel: closeLabel } },
    },
  });

export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': t.colors.gray[7] ?? '#495057',
    // Light buttons and the active menu item: teal 9 text on the light teal background is only
    // 4.3:1; this darker teal keeps 7:1.
    '--mantine-color-teal-light-color': '#05593f',
  },
  dark: {},
});
