import type { ReactNode } from 'react';

interface AppShellProps {
  account?: ReactNode;
  /** Links to the signed-in pages. */
  nav?: ReactNode;
  /** Above the page's content (Stripe's notification banner). */
  banner?: ReactNode;
  children: ReactNode;
}

/** The signed-in frame: a skip link, a quiet top bar (with the pages' links), and the main landmark. */
export function AppShell({ account, nav, banner, children }: AppShellProps) {
  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <span className="brand">
            <span className="brand-mark" aria-hidden="true" />
            <span className="brand-name">Gangway</span>
          </span>
          {nav}
          {account && <div className="topbar-account">{account}</div>}
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {banner}
        {children}
      </main>
    </div>
  );
}
