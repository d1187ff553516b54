import { ConnectAccountManagement, ConnectComponentsProvider } from '@stripe/react-connect-js';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { ApiError, getOnboardingStatus } from '../../api/client';
import type { AccountPublic } from '../../api/types';
import { LoadError } from '../../components/LoadError';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { useFocusRescue } from '../../components/useFocusRescue';
import { useLastError } from '../../components/useLastError';
import { statusKey } from '../onboarding/queries';
import { DashboardButton } from './DashboardButton';
import { EmbeddedProblem } from './EmbeddedProblem';
import { useEmbedded } from './EmbeddedProvider';
import { MerchantShell } from './MerchantShell';
import { useAccount } from './queries';

const BUSINESS_TYPES: Record<string, string> = {
  individual: 'Individual or sole proprietor',
  company: 'Company',
  non_profit: 'Non-profit',
  government_entity: 'Government entity',
};

const DASHBOARDS: Record<AccountPublic['dashboard'], string> = {
  express: 'Stripe Express dashboard',
  full: 'Full Stripe dashboard',
  none: 'None (managed here)',
};

function AccountSummary({ account }: { account: AccountPublic }) {
  return (
    <section className="card account-summary" aria-labelledby="account-summary-title">
      <h2 id="account-summary-title" className="card-title">
        Stripe account
      </h2>
      <dl className="account-facts">
        <dt>Account ID</dt>
        <dd>
          <code>{account.id}</code>
        </dd>
        <dt>Country</dt>
        <dd>{account.country}</dd>
        <dt>Business type</dt>
        <dd>{account.business_type ? (BUSINESS_TYPES[account.business_type] ?? account.business_type) : 'Not set'}</dd>
        <dt>Stripe dashboard</dt>
        <dd>{DASHBOARDS[account.dashboard]}</dd>
      </dl>
      {account.dashboard === 'express' && <DashboardButton />}
    </section>
  );
}

/** Stripe's account management (business details, bank account for payouts), in the page. */
function AccountManagement() {
  const embedded = useEmbedded();
  const fields = embedded.phase === 'ready' ? embedded.components.account_management.collection_options.fields : null;
  const future = embedded.phase === 'ready' ? embedded.components.account_management.collection_options.future_requirements : null;
  const collectionOptions = useMemo(() => (fields ? { fields, futureRequirements: future ?? 'omit' } : undefined), [fields, future]);

  if (embedded.phase === 'off' || embedded.phase === 'not-configured') {
    return (
      <section className="card" aria-labelledby="manage-title">
        <h2 id="manage-title" className="card-title">
          Your details
        </h2>
        <p>
          To review or change what Stripe has on file, use <Link to="/onboarding">your onboarding page</Link>: it takes you to Stripe's
          secure form whenever there is something to update.
        </p>
      </section>
    );
  }
  return (
    <section className="embedded-panel" aria-labelledby="manage-title" data-testid="account-management">
      <h2 id="manage-title" className="embedded-title">
        Your details and bank account
      </h2>
      <EmbeddedProblem embedded={embedded} what="your account details" />
      {embedded.phase === 'loading' && (
        <p className="checking-row muted" role="status">
          <span className="spinner" aria-hidden="true" />
          <span>Loading your details…</span>
        </p>
      )}
      {embedded.phase === 'ready' && collectionOptions && (
        <ConnectComponentsProvider connectInstance={embedded.instance}>
          <ConnectAccountManagement collectionOptions={collectionOptions} />
        </ConnectComponentsProvider>
      )}
    </section>
  );
}

export function AccountPage() {
  useDocumentTitle('Your account');
  const account = useAccount();
  // Loaded here so the shared Connect.js instance knows whether this merchant is embedded.
  useQuery({ queryKey: statusKey, queryFn: getOnboardingStatus, staleTime: 5_000 });
  const loadError = useLastError(account.error, account.isSuccess);
  useFocusRescue('account-title', 'main');
  const missing = account.error instanceof ApiError && account.error.status === 404;

  let body;
  if (account.data) {
    body = (
      <>
        <AccountSummary account={account.data} />
        <AccountManagement />
      </>
    );
  } else if (missing) {
    body = (
      <section className="card">
        <p>You don't have a Stripe account yet.</p>
        <p>
          <Link to="/onboarding">Set up payments</Link> to create one.
        </p>
      </section>
    );
  } else if (loadError) {
    body = (
      <LoadError
        title="We couldn't load your account"
        error={loadError}
        retrying={account.isFetching}
        onRetry={() => {
          void account.refetch();
        }}
      />
    );
  } else {
    body = (
      <p className="checking-row muted" role="status">
        <span className="spinner" aria-hidden="true" />
        <span>Loading your account…</span>
      </p>
    );
  }

  return (
    <MerchantShell>
      <header className="page-header">
        <h1 id="account-title" className="page-title" tabIndex={-1}>
          Your account
        </h1>
        <p className="muted">Your Stripe account, what Stripe has on file, and where your payouts go.</p>
      </header>
      {body}
    </MerchantShell>
  );
}
