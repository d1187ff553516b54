import type { OnboardingStatus } from '../../api/types';

type Support = NonNullable<OnboardingStatus['support']>;

/** Shown instead of the primary action when no Stripe link can help: who to contact, with real links. */
export function SupportContact({ support }: { support: Support }) {
  const { email, url } = support;
  return (
    <section className="support-contact" aria-labelledby="support-title">
      <h2 id="support-title" className="support-title">
        Contact support
      </h2>
      {email || url ? (
        <ul className="support-links">
          {email && (
            <li>
              Email <a href={`mailto:${email}`}>{email}</a>
            </li>
          )}
          {url && (
            <li>
              <a href={url} target="_blank" rel="noopener noreferrer">
                Visit the support centre<span className="sr-only"> (opens in a new tab)</span>
              </a>
            </li>
          )}
        </ul>
      ) : (
        <p>Contact the platform's support team; they will sort it out with Stripe.</p>
      )}
    </section>
  );
}
