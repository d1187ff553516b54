import type { ReactNode } from 'react';

interface AlertProps {
  tone?: 'error' | 'warning' | 'info' | 'success';
  title?: ReactNode;
  children?: ReactNode;
  /** "alert" interrupts screen readers; use it for errors that follow an action. */
  role?: 'alert' | 'status' | 'note';
  className?: string;
}

export function Alert({ tone = 'info', title, children, role, className }: AlertProps) {
  const ariaRole = role ?? (tone === 'error' ? 'alert' : 'status');
  return (
    <div className={['alert', `alert-${tone}`, className].filter(Boolean).join(' ')} role={ariaRole}>
      {title && <p className="alert-title">{title}</p>}
      {children && <div className="alert-body">{children}</div>}
    </div>
  );
}
