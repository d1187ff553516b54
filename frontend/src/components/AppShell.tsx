import type { ReactNode } from 'react';

/** The signed-in frame: a skip link, a quiet top bar, and the main landmark. */
export function AppShell({ account, children }: { account?: ReactNode; children: ReactNode }) {
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
          {account && <div className="topbar-account">{account}</div>}
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
