import type { OnboardingStatus, Requirement } from '../../api/types';
import { describeDeadline } from './dates';

type GroupKey = 'past_due' | 'currently_due' | 'eventually_due' | 'awaiting_stripe' | 'future';

const GROUPS: { key: GroupKey; title: string; description: string }[] = [
  { key: 'past_due', title: 'Past due', description: 'Overdue. Provide these now to restore payments or payouts.' },
  { key: 'currently_due', title: 'Due now', description: 'Needed now to keep your account enabled.' },
  { key: 'eventually_due', title: 'Due later', description: 'Needed later, for example once you reach a sales volume.' },
  {
    key: 'awaiting_stripe',
    title: 'Stripe is reviewing',
    description: "You've sent these. Nothing to do while Stripe checks them.",
  },
  { key: 'future', title: 'Upcoming', description: 'New requirements Stripe will ask for in the future.' },
];

function RequirementItem({ requirement, now, inReview }: { requirement: Requirement; now: Date; inReview: boolean }) {
  const deadline = describeDeadline(requirement.deadline, now);
  // In the "Stripe is reviewing" group the heading already says so.
  const byStripe = requirement.awaiting_action_from === 'stripe' && !inReview;
  const restricts = requirement.restricts_capability_labels;
  return (
    <li className={['req', requirement.errors.length ? 'req-has-error' : ''].filter(Boolean).join(' ')}>
      <div className="req-main">
        <span className="req-label">{requirement.label || requirement.description}</span>
        {byStripe && <span className="pill pill-info">Stripe is reviewing</span>}
      </div>
      {(deadline !== null || restricts.length > 0) && (
        <p className="req-meta">
          {deadline && (
            <>
              {deadline.past ? 'Was due ' : 'Due '}
              <time dateTime={deadline.iso}>{deadline.date}</time> ({deadline.relative})
            </>
          )}
          {deadline && restricts.length > 0 && ' · '}
          {restricts.length > 0 && <>Affects {restricts.join(' and ')}</>}
        </p>
      )}
      {requirement.errors.length > 0 && (
        <ul className="req-errors" aria-label={`Problems with ${requirement.label || requirement.description}`}>
          {requirement.errors.map((error, i) => (
            <li key={`${error.code}-${String(i)}`} className="req-error">
              <span className="req-error-icon" aria-hidden="true">!</span>
              <span>
                <span className="sr-only">Needs fixing: </span>
                {error.remedy}
                {error.stripe_description && (
                  <span className="req-error-stripe"> Stripe says: “{error.stripe_description}”</span>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

interface ChecklistProps {
  requirements: OnboardingStatus['requirements'];
  futureRequirements: Requirement[];
  /** When the earliest upcoming requirement starts to apply, if Stripe gave a date. */
  upcomingDeadline?: string | null;
  now?: Date;
  /** The card's heading; a list that may be out of date says so. */
  title?: string;
}

export function RequirementChecklist({
  requirements,
  futureRequirements,
  upcomingDeadline = null,
  now = new Date(),
  title = 'What Stripe needs',
}: ChecklistProps) {
  const items: Record<GroupKey, Requirement[]> = {
    past_due: requirements.past_due,
    currently_due: requirements.currently_due,
    eventually_due: requirements.eventually_due,
    awaiting_stripe: requirements.awaiting_stripe ?? [],
    future: futureRequirements,
  };
  const upcoming = describeDeadline(upcomingDeadline, now);
  const groups = GROUPS.filter((g) => items[g.key].length > 0);
  return (
    <section className="card" aria-labelledby="checklist-title">
      <h2 id="checklist-title" className="card-title">
        {title}
      </h2>
      {groups.length === 0 ? (
        <p className="muted empty">Nothing is due right now.</p>
      ) : (
        groups.map((group) => (
          <section key={group.key} className={`req-group req-group-${group.key}`} aria-labelledby={`group-${group.key}`}>
            <h3 id={`group-${group.key}`} className="req-group-title">
              {group.title} <span className="count">({items[group.key].length})</span>
            </h3>
            <p className="req-group-desc">{group.description}</p>
            {group.key === 'future' && upcoming && (
              <p className="req-group-deadline" data-testid="upcoming-deadline">
                Required from <time dateTime={upcoming.iso}>{upcoming.date}</time> ({upcoming.relative})
              </p>
            )}
            <ul className="req-list">
              {items[group.key].map((r) => (
                <RequirementItem key={r.description} requirement={r} now={now} inReview={group.key === 'awaiting_stripe'} />
              ))}
            </ul>
          </section>
        ))
      )}
    </section>
  );
}
