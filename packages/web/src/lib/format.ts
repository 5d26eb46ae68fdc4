import { useTranslation } from 'react-i18next';
import { localeOf } from '../i18n';
import { currencySymbol, formatMoney, formatPoints } from './money';

/** Locale-aware formatters for the current language. */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = localeOf(i18n.language);
  return {
    locale,
    money: (minor: number, currency = 'RUB') => formatMoney(minor, currency, locale),
    points: (n: number) => formatPoints(n, locale),
    date: (iso: string | null | undefined) =>
      iso ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso)) : '—',
    dateTime: (iso: string | null | undefined) =>
      iso
        ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso))
        : '—',
    number: (n: number) => new Intl.NumberFormat(locale).format(n),
    symbol: (currency = 'RUB') => currencySymbol(currency, locale),
    time: (iso: string | null | undefined) =>
      iso ? new Intl.DateTimeFormat(locale, { timeStyle: 'medium' }).format(new Date(iso)) : '—',
    day: (isoDate: string) =>
      new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
        new Date(`${isoDate}T12:00:00Z`),
      ),
  };
}
