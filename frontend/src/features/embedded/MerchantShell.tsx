import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { AppShell } from '../../components/AppShell';
import { SignOutButton } from '../auth/SignOutButton';
import { useSession } from '../auth/queries';
import { NotificationBanner } from './NotificationBanner';

/** Every signed-in page: the app shell with the merchant, the pages, and Stripe's banner on top. */
export function MerchantShell({ children }: { children: ReactNode }) {
  const session = useSession();
  const merchant = session.data?.merchant;
  const account = (
    <>
      {merchant && (
        <span className="merchant">
          <span className="merchant-name">{merchant.business_name}</span>
          <span className="merchant-email">{merchant.email}</span>
        </span>
      )}
      <SignOutButton />
    </>
  );
  const nav = (
    <nav className="topnav" aria-label="Main">
      <NavLink to="/onboarding" className="topnav-link">
        Onboarding
      </NavLink>
      <NavLink to="/account" className="topnav-link">
        Account
      </NavLink>
    </nav>
  );
  return (
    <AppShell account={account} nav={nav} banner={<NotificationBanner />}>
      {children}
    </AppShell>
  );
}
