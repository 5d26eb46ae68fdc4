import { describe, expect, it } from 'vitest';
import { qs } from '../api';
import { barcodeTypeFor, isValidEan13, qrRefreshDelayMs } from '../card-codes';
import { groupExpiringByDay } from '../expiring';
import { memberSearchParams } from '../member-search';
import { isActivePath } from '../nav-path';
import { periodRange } from '../periods';
import { receiptFilterQuery } from '../receipt-filter';
import { safeNext } from '../safe-next';

describe('small helpers', () => {
  it('draws our cards as EAN-13 and anything else as Code 128', () => {
    expect(isValidEan13('2990000000019')).toBe(true);
    expect(isValidEan13('2990000000018')).toBe(false);
    expect(barcodeTypeFor('2990000000019')).toBe('ean13');
    expect(barcodeTypeFor('7770001')).toBe('code128');
  });

  it('asks for the next QR code five seconds before this one expires, at most once a second', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(qrRefreshDelayMs('2026-11-22T10:00:30Z', now)).toBe(25_000);
    expect(qrRefreshDelayMs('2026-11-22T10:00:02Z', now)).toBe(1_000);
    expect(qrRefreshDelayMs('nonsense', now)).toBe(10_000);
  });

  it('sums lots that expire on the same day', () => {
    expect(
      groupExpiringByDay(
        [
          { points: 17, expiresAt: '2027-11-22T20:41:00Z' },
          { points: 350, expiresAt: '2027-11-22T20:42:00Z' },
          { points: 5, expiresAt: '2027-01-10T10:00:00Z' },
        ],
        'Europe/Moscow',
      ),
    ).toEqual([
      { points: 5, expiresAt: '2027-01-10T10:00:00Z' },
      { points: 367, expiresAt: '2027-11-22T20:41:00Z' },
    ]);
  });

  it('reads the member search box', () => {
    expect(memberSearchParams('  ')).toEqual({});
    expect(memberSearchParams('anna@example.com')).toEqual({ email: 'anna@example.com' });
    expect(memberSearchParams('+7 (916) 700')).toEqual({ q: '7916700' });
    expect(memberSearchParams('Иванов Ив')).toEqual({ q: 'Иванов Ив' });
  });

  it('turns calendar days into a half-open period of instants', () => {
    expect(
      receiptFilterQuery({ memberId: ' mbr_1 ', storeId: '', from: '2026-11-01', to: '2026-11-30' }),
    ).toEqual({
      memberId: 'mbr_1',
      storeId: undefined,
      from: '2026-10-31T21:00:00.000Z',
      to: '2026-11-30T21:00:00.000Z',
    });
    expect(periodRange(7, new Date('2026-11-22T10:00:00Z'))).toEqual({
      from: '2026-11-15T21:00:00.000Z',
      to: '2026-11-22T21:00:00.000Z',
    });
  });

  it('builds query strings from the values that are set', () => {
    expect(qs({ a: 'x y', b: undefined, c: null, d: '', e: 0 })).toBe('?a=x+y&e=0');
    expect(qs({})).toBe('');
  });

  it('sends staff back only to paths of this site after sign-in', () => {
    expect(safeNext('/admin/members', 'owner')).toBe('/admin/members');
    expect(safeNext('//evil.example', 'owner')).toBe('/admin');
    expect(safeNext('https://evil.example', 'cashier')).toBe('/cashier');
    expect(safeNext(null, 'cashier')).toBe('/cashier');
  });

  it('marks a menu item active on its pages only, not on a section whose path starts alike', () => {
    expect(isActivePath('/admin/members/mbr_1', '/admin/members')).toBe(true);
    expect(isActivePath('/admin/members', '/admin/members')).toBe(true);
    expect(isActivePath('/admin/memberships', '/admin/members')).toBe(false);
    expect(isActivePath('/admin/members', '/admin', true)).toBe(false);
  });
});
