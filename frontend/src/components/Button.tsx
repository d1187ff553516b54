import type { ButtonHTMLAttributes, MouseEvent, ReactNode } from 'react';

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: 'primary' | 'secondary' | 'ghost';
  pending?: boolean;
  pendingLabel?: ReactNode;
}

/**
 * A button that stays focusable while pending or unavailable and says what it is doing.
 *
 * It never sets the native `disabled`: a focused button that becomes disabled drops keyboard
 * focus to `<body>`. It is marked `aria-disabled` instead, and clicks (and, for a submit button,
 * the form submission a click or Enter would cause) are swallowed meanwhile.
 */
export function Button({
  variant = 'primary',
  pending = false,
  pendingLabel,
  children,
  className,
  disabled,
  onClick,
  type = 'button',
  ...rest
}: ButtonProps) {
  const unavailable = Boolean(disabled) || pending;
  return (
    <button
      {...rest}
      type={type}
      className={['btn', `btn-${variant}`, className].filter(Boolean).join(' ')}
      aria-disabled={unavailable || undefined}
      aria-busy={pending || undefined}
      onClick={(event: MouseEvent<HTMLButtonElement>) => {
        if (unavailable) {
          event.preventDefault();
          return;
        }
        onClick?.(event);
      }}
    >
      {pending && <span className="spinner" aria-hidden="true" />}
      <span>{pending && pendingLabel ? pendingLabel : children}</span>
    </button>
  );
}
