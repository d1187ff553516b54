import type { Capability } from '../../api/types';

export function CapabilityBadges({ capabilities }: { capabilities: Capability[] }) {
  return (
    <section className="card" aria-labelledby="capabilities-title">
      <h2 id="capabilities-title" className="card-title">
        Capabilities
      </h2>
      {capabilities.length === 0 ? (
        <p className="muted empty">Available once your Stripe account exists.</p>
      ) : (
        <ul className="capabilities">
          {capabilities.map((c) => (
            <li key={c.name} className="capability">
              <span className="capability-label">{c.label}</span>
              <span className={`badge tone-${c.tone}`} data-testid={`capability-${c.name}`}>
                <span className="badge-dot" aria-hidden="true" />
                {c.status_label}
              </span>
              {c.explanation && (
                <span className="capability-hint" data-testid={`capability-${c.name}-hint`}>
                  {c.explanation}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
