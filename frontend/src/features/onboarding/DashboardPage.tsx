import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import type { OnboardingStatus } from '../../api/types';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { LoadError } from '../../components/LoadError';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { useFocusRescue } from '../../components/useFocusRescue';
import { useLastError } from '../../components/useLastError';
import { EmbeddedAction, EmbeddedOnboarding } from '../embedded/EmbeddedOnboarding';
import { MerchantShell } from '../embedded/MerchantShell';
import { CapabilityBadges } from './CapabilityBadges';
import { CreateAccountForm } from './CreateAccountForm';
import { arrivalFromStripe, clearDeparture, syncedSince } from './departure';
import { PrimaryAction } from './PrimaryAction';
import { RequirementChecklist } from './RequirementChecklist';
import { StateAnnouncer } from './StateAnnouncer';
import { StatusHeader } from './StatusHeader';
import { SupportContact } from './SupportContact';
import { invalidateStatus, useOnboardingStatus, useRecheckStripe } from './queries';
import { formatDate } from './dates';
import { SyncInfo } from './SyncInfo';
import { useStatusStream } from './useStatusStream';

const RETURN_TIMEOUT_MS = 15_000;
const POLL_MS = 4_000;

function CheckingWithStripe() {
  return (
    <section className="status-card tone-neutral checking" aria-labelledby="checking-title">
      <div className="checking-row" role="status">
        <span className="spinner spinner-lg" aria-hidden="true" />
        <h1 id="checking-title" className="status-headline">
          Checking with Stripe…
        </h1>
      </div>
      <p className="status-detail">Getting the latest from Stripe. This only takes a moment.</p>
    </section>
  );
}

/** Why /connect/refresh sent the merchant back here instead of to a fresh Stripe form. */
const REFRESH_NOTICES: Record<string, { title: string; text: string }> = {
  refresh_loop: {
    title: "We couldn't reopen Stripe's form",
    text:
      'The onboarding link kept expiring, so we stopped trying to avoid a loop. This can happen when the form is ' +
      'open in more than one tab or was left open for a long time. Use the button below to get a fresh link.',
  },
  'nothing-to-do': {
    title: 'Nothing to do at Stripe right now',
    text: 'That Stripe link was already used, and Stripe needs nothing more from you at the moment. Your status is below.',
  },
  'no-link-can-help': {
    title: "Stripe's form can't help with this account",
    text: 'See the status below for what to do instead.',
  },
  'stripe-unavailable': {
    title: 'Stripe is not answering right now',
    text: "We couldn't get a fresh onboarding link because Stripe is temporarily unavailable. Try again in a minute.",
  },
  'stripe-rate-limited': {
    title: 'Too many attempts',
    text: 'Stripe asked us to slow down. Wait a minute, then use the button below to get a fresh link.',
  },
  'link-rate-limited': {
    title: 'Too many attempts',
    text: 'Several links were opened in the last minute. Wait a minute, then use the button below to get a fresh link.',
  },
};

const FALLBACK_NOTICE = {
  title: "We couldn't reopen Stripe's form",
  text: 'Something went wrong while getting a fresh onboarding link. Use the button below to try again.',
};

const UNCONFIRMED = {
  state: 'unconfirmed',
  headline: "We couldn't confirm with Stripe yet",
  detail:
    "Stripe hasn't answered since you came back, so we can't show what you changed there yet. " +
    'This page keeps checking and updates on its own as soon as Stripe answers.',
} as const;

/**
 * Back from Stripe, but Stripe has not answered since (its `synced_at` is from before the
 * merchant left): say so, rather than presenting what Stripe needed before as the truth.
 * What we had is one click away, labelled as such.
 */
function UnconfirmedReturn({ status, syncInfo }: { status: OnboardingStatus; syncInfo: ReactNode }) {
  const syncedAt = status.synced_at ? new Date(status.synced_at) : null;
  return (
    <>
      <section className="status-card tone-warning" aria-labelledby="status-headline" data-state={UNCONFIRMED.state}>
        <p className="eyebrow">Payments onboarding</p>
        <h1 id="status-headline" className="status-headline" tabIndex={-1}>
          {UNCONFIRMED.headline}
        </h1>
        <p className="status-detail">{UNCONFIRMED.detail}</p>
        <p className="checking-row muted">
          <span className="spinner" aria-hidden="true" />
          <span>Still checking with Stripe…</span>
        </p>
      </section>
      {syncInfo}
      <details className="stale-status" data-testid="stale-status">
        <summary>What Stripe needed before you went there</summary>
        <p className="muted">
          {syncedAt ? (
            <>
              As Stripe last confirmed it, on <time dateTime={syncedAt.toISOString()}>{formatDate(syncedAt)}</time> at{' '}
              {syncedAt.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' })}. It may be out of date.
            </>
          ) : (
            'It may be out of date.'
          )}
        </p>
        <div className="dash-grid">
          <RequirementChecklist
            title="What Stripe needed then"
            requirements={status.requirements}
            futureRequirements={status.future_requirements}
            upcomingDeadline={status.upcoming_deadline}
          />
          <CapabilityBadges capabilities={status.capabilities} />
        </div>
      </details>
    </>
  );
}

function RefreshNotice({ notice, onDismiss }: { notice: string; onDismiss: () => void }) {
  const { title, text } = REFRESH_NOTICES[notice] ?? FALLBACK_NOTICE;
  return (
    <Alert tone="warning" role="status" title={title} className="notice">
      <p>{text}</p>
      <Button variant="ghost" className="btn-sm" onClick={onDismiss}>
        Dismiss
      </Button>
    </Alert>
  );
}

export function DashboardPage() {
  const [params, setParams] = useSearchParams();
  const notice = params.get('notice');

  // Back from Stripe? Then show "Checking with Stripe…" until fresh status arrives. The BFF's
  // /connect/return has already re-read the account, so a fresh status read is enough.
  const queryClient = useQueryClient();
  const [departure] = useState(arrivalFromStripe);
  const [checking, setChecking] = useState(departure !== null);
  const refreshStarted = useRef(false);

  const onStreamStatus = useCallback(
    (s: OnboardingStatus) => {
      if (departure && (departure.version === null || s.version > departure.version)) setChecking(false);
    },
    [departure],
  );
  const mode = useStatusStream(true, onStreamStatus);
  // Until Stripe has answered since the merchant came back, the status may be out of date.
  const unconfirmed = (data: OnboardingStatus | undefined) => departure !== null && !syncedSince(data?.synced_at, departure);
  // Poll when the stream is down, when the server stopped answering (an open stream proves
  // nothing then), and while the return from Stripe is unconfirmed.
  const status = useOnboardingStatus((data, failing) => (mode !== 'live' || failing || unconfirmed(data) ? POLL_MS : false));

  useEffect(() => {
    if (!departure) return;
    if (!refreshStarted.current) {
      refreshStarted.current = true;
      void invalidateStatus(queryClient).finally(() => {
        setChecking(false);
      });
    }
    const timer = window.setTimeout(() => {
      setChecking(false);
    }, RETURN_TIMEOUT_MS);
    return () => {
      window.clearTimeout(timer);
    };
  }, [departure, queryClient]);

  const data = status.data;
  const awaitingStripe = data !== undefined && unconfirmed(data);
  // The marker stays until Stripe has answered, so a reload still says we are not sure yet.
  const confirmed = departure !== null && data !== undefined && !awaitingStripe;
  useEffect(() => {
    if (confirmed) clearDeparture();
  }, [confirmed]);
  useRecheckStripe(awaitingStripe && !checking);
  // The status's last failure, kept while it is retried (every few seconds), so its alert
  // stays mounted and is announced once.
  const loadError = useLastError(status.error, status.isSuccess);
  // The last read failed (with data: a refetch). A status from the stream clears it.
  const failing = status.isError;
  useFocusRescue('status-headline', 'main');

  useDocumentTitle(checking ? 'Checking with Stripe…' : awaitingStripe ? UNCONFIRMED.headline : data ? data.headline : 'Onboarding');

  let body;
  if (checking) {
    body = <CheckingWithStripe />;
  } else if (!data && loadError) {
    body = (
      <LoadError
        title="We couldn't load your onboarding status"
        error={loadError}
        retrying={status.isFetching}
        onRetry={() => {
          void status.refetch();
        }}
      />
    );
  } else if (!data) {
    body = <CheckingWithStripe />;
  } else if (awaitingStripe) {
    body = (
      <UnconfirmedReturn
        status={data}
        syncInfo={<SyncInfo syncedAt={data.synced_at} mode={mode} failing={failing} canSync={data.state !== 'no_account'} beforeReturn />}
      />
    );
  } else {
    body = (
      <>
        <StatusHeader status={data}>
          {data.state === 'no_account' ? (
            <CreateAccountForm />
          ) : data.next_action?.surface === 'embedded' ? (
            <EmbeddedAction
              action={data.next_action}
              version={data.version}
              quiet={data.state === 'complete' || data.state === 'complete_with_upcoming'}
            />
          ) : data.next_action ? (
            <PrimaryAction
              action={data.next_action}
              version={data.version}
              quiet={data.state === 'complete' || data.state === 'complete_with_upcoming'}
            />
          ) : data.support ? (
            <SupportContact support={data.support} />
          ) : null}
        </StatusHeader>
        <SyncInfo syncedAt={data.synced_at} mode={mode} failing={failing} canSync={data.state !== 'no_account'} />
        {data.next_action?.surface === 'embedded' && data.next_action.component === 'account_onboarding' && (
          <EmbeddedOnboarding action={data.next_action} />
        )}
        <div className="dash-grid">
          <RequirementChecklist
            requirements={data.requirements}
            futureRequirements={data.future_requirements}
            upcomingDeadline={data.upcoming_deadline}
          />
          <CapabilityBadges capabilities={data.capabilities} />
        </div>
      </>
    );
  }

  return (
    <MerchantShell>
      {notice && (
        <RefreshNotice
          notice={notice}
          onDismiss={() => {
            const nextParams = new URLSearchParams(params);
            nextParams.delete('notice');
            setParams(nextParams, { replace: true });
          }}
        />
      )}
      <StateAnnouncer status={checking ? undefined : awaitingStripe ? UNCONFIRMED : data} />
      {body}
    </MerchantShell>
  );
}
