import { createBrowserRouter, Navigate } from 'react-router-dom';
import { RouteError } from './components/route-error';
import { AdminLayout } from './shell/admin-layout';
import { StaffGate } from './shell/staff-gate';

// Three areas in one app: the staff console (/admin), the cashier screen (/cashier) and the
// member cabinet (/cabinet). Pages load on demand so the cabinet on a phone does not download
// the console's charts.
export const router = createBrowserRouter([
  { path: '/login', lazy: async () => ({ Component: (await import('./pages/login')).LoginPage }) },
  { path: '/', element: <Navigate to="/admin" replace /> },
  {
    path: '/admin',
    element: (
      <StaffGate>
        <AdminLayout />
      </StaffGate>
    ),
    errorElement: <RouteError />,
    children: [
      {
        index: true,
        lazy: async () => ({ Component: (await import('./pages/admin/dashboard')).DashboardPage }),
      },
      {
        path: 'members',
        lazy: async () => ({ Component: (await import('./pages/admin/members')).MembersPage }),
      },
      {
        path: 'members/:memberId',
        lazy: async () => ({ Component: (await import('./pages/admin/member')).MemberPage }),
      },
      {
        path: 'receipts',
        lazy: async () => ({ Component: (await import('./pages/admin/receipts')).ReceiptsPage }),
      },
      {
        path: 'receipts/:receiptId',
        lazy: async () => ({ Component: (await import('./pages/admin/receipt')).ReceiptPage }),
      },
      {
        path: 'program',
        lazy: async () => ({ Component: (await import('./pages/admin/program')).ProgramPage }),
      },
      {
        path: 'campaigns',
        lazy: async () => ({ Component: (await import('./pages/admin/campaigns')).CampaignsPage }),
      },
      {
        path: 'campaigns/:campaignId',
        lazy: async () => ({ Component: (await import('./pages/admin/campaign-editor')).CampaignEditorPage }),
      },
      {
        path: 'coupons',
        lazy: async () => ({ Component: (await import('./pages/admin/coupons')).CouponsPage }),
      },
      {
        path: 'memberships',
        lazy: async () => ({ Component: (await import('./pages/admin/memberships')).MembershipPlansPage }),
      },
      { path: 'tiers', lazy: async () => ({ Component: (await import('./pages/admin/tiers')).TiersPage }) },
      { path: 'staff', lazy: async () => ({ Component: (await import('./pages/admin/staff')).StaffPage }) },
      { path: 'audit', lazy: async () => ({ Component: (await import('./pages/admin/audit')).AuditPage }) },
    ],
  },
  {
    path: '/cashier',
    element: <StaffGate />,
    errorElement: <RouteError />,
    children: [
      {
        index: true,
        lazy: async () => ({ Component: (await import('./pages/cashier/cashier')).CashierPage }),
      },
    ],
  },
  {
    path: '/cabinet/*',
    errorElement: <RouteError />,
    lazy: async () => ({ Component: (await import('./pages/cabinet/cabinet')).CabinetApp }),
  },
  { path: '*', lazy: async () => ({ Component: (await import('./components/not-found')).NotFoundPage }) },
]);
