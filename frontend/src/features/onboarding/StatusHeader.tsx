import type { ReactNode } from 'react';
import type { OnboardingStatus } from '../../api/types';
import { describeDeadline } from './dates';

interface StatusHeaderProps {
  status: Pick<OnboardingStatus, 'state' | 'headline' | 'detail' | 'tone' | 'deadline' | 'reason'>;
  now?: Date;
  /** The one primary action (or the create-account form) sits inside the header card. */
  children?: ReactNode;
}

export function StatusHeader({ status, now = new Date(), children }: StatusHeaderProps) {
  const deadline = status.state === 'complete' || status.state === 'closed' ? null : describeDeadline(status.deadline, now);
  return (
    <section className={`status-card tone-${status.tone}`} aria-labelledby="status-headline" data-state={status.state}>
      <p className="eyebrow">Payments onboarding</p>
      <h1 id="status-headline" className="status-headline" tabIndex={-1}>
        {status.headline}
      </h1>
      {status.reason?.message && (
        <p className="status-reason" data-testid="status-reason">
          {status.reason.message}
        </p>
      )}
      {status.detail && <p className="status-detail">{status.detail}</p>}
      {deadline && (
        <p className={['deadline', deadline.past ? 'deadline-past' : ''].filter(Boolean).join(' ')} data-testid="deadline">
          <span className="deadline-label">{deadline.past ? 'Was due' : 'Due by'}</span>{' '}
          <time dateTime={deadline.iso}>{deadline.date}</time> <span className="deadline-relative">({deadline.relative})</span>
        </p>
      )}
      {children && <div className="status-action">{children}</div>}
    </section>
  );
}
