import { ConnectAccountOnboarding, ConnectComponentsProvider } from '@stripe/react-connect-js';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { NextAction } from '../../api/types';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { useLastError } from '../../components/useLastError';
import { PrimaryAction } from '../onboarding/PrimaryAction';
import { EmbeddedProblem } from './EmbeddedProblem';
import { useEmbedded } from './EmbeddedProvider';
import { useEmbeddedExit } from './queries';

interface EmbeddedActionProps {
  action: NextAction;
  version?: number | null;
  quiet?: boolean;
}

/**
 * What the status card offers for an embedded next action: a pointer to the form below (it
 * opens in the page), the account page for reviewing what is on file, or, when the platform has
 * not set embedded components up, the hosted link as before.
 */
export function EmbeddedAction({ action, version = null, quiet = false }: EmbeddedActionProps) {
  const embedded = useEmbedded();
  if (embedded.phase === 'not-configured') return <PrimaryAction action={action} version={version} quiet={quiet} />;
  if (action.component === 'account_management') {
    return (
      <div className="primary-action">
        <Link className={`btn ${quiet ? 'btn-secondary' : 'btn-primary'} btn-lg`} to="/account">
          {action.label}
        </Link>
        <p className="action-hint">Review and change your details on your account page.</p>
      </div>
    );
  }
  return (
    <p className="action-hint">
      <a href="#embedded-onboarding">Fill in the form below</a>. You stay on this page.
    </p>
  );
}

/** Stripe's onboarding form in the page (Connect embedded components), for `component: account_onboarding`. */
export function EmbeddedOnboarding({ action }: { action: NextAction }) {
  const embedded = useEmbedded();
  const exit = useEmbeddedExit();
  // Shown again (a fresh element) when the merchant wants to carry on after leaving it.
  const [round, setRound] = useState(0);
  const [exited, setExited] = useState(false);
  const exitError = useLastError(exit.error, exit.isSuccess || exit.isIdle);
  const fields = embedded.phase === 'ready' ? embedded.components.account_onboarding.collection_options.fields : null;
  const future = embedded.phase === 'ready' ? embedded.components.account_onboarding.collection_options.future_requirements : null;
  // Stable across renders: Connect.js reloads the form whenever its options change.
  const collectionOptions = useMemo(() => (fields ? { fields, futureRequirements: future ?? 'omit' } : undefined), [fields, future]);

  if (embedded.phase === 'off' || embedded.phase === 'not-configured') return null;
  return (
    <section id="embedded-onboarding" className="embedded-panel" aria-labelledby="embedded-onboarding-title" data-testid="embedded-onboarding">
      <h2 id="embedded-onboarding-title" className="embedded-title">
        {action.label}
      </h2>
      <EmbeddedProblem embedded={embedded} what="Stripe's onboarding form" />
      {embedded.phase === 'loading' && (
        <p className="checking-row muted" role="status">
          <span className="spinner" aria-hidden="true" />
          <span>Loading Stripe's form…</span>
        </p>
      )}
      {embedded.phase === 'ready' && collectionOptions && (
        <ConnectComponentsProvider connectInstance={embedded.instance}>
          <ConnectAccountOnboarding
            key={round}
            collectionOptions={collectionOptions}
            onExit={() => {
              setExited(true);
              exit.mutate();
            }}
          />
        </ConnectComponentsProvider>
      )}
      {exit.isPending && (
        <p className="checking-row muted" role="status">
          <span className="spinner" aria-hidden="true" />
          <span>Updating your status…</span>
        </p>
      )}
      {exitError && (
        <Alert tone="warning" role="status" title="We couldn't update your status yet">
          <p>{exitError.message} This page updates on its own as soon as Stripe tells us.</p>
        </Alert>
      )}
      {exited && !exit.isPending && embedded.phase === 'ready' && (
        <Button
          variant="secondary"
          className="btn-sm"
          onClick={() => {
            setExited(false);
            exit.reset();
            setRound((n) => n + 1);
          }}
        >
          Open the form again
        </Button>
      )}
    </section>
  );
}
