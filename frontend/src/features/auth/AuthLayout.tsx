import type { ReactNode } from 'react';

/** The calm, centered frame for the signed-out screens. */
export function AuthLayout({ title, intro, children, footer }: { title: string; intro?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="auth-shell">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="auth-brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Gangway</span>
      </header>
      <main id="main" className="auth-card" tabIndex={-1}>
        <h1 className="auth-title">{title}</h1>
        {intro && <p className="muted">{intro}</p>}
        {children}
        {footer && <div className="auth-footer">{footer}</div>}
      </main>
    </div>
  );
}
