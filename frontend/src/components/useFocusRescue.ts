import { useEffect, useLayoutEffect, useRef } from 'react';

/**
 * When a re-render removes the element that had keyboard focus (a form replaced by the next
 * step, a button that is no longer called for), focus falls to `<body>` and a keyboard or
 * screen-reader user is thrown back to the top of the document. After every render of the
 * calling component this moves focus to the first of `targetIds` that exists instead.
 * It does nothing when focus was simply never in the page or the user moved it elsewhere.
 */
export function useFocusRescue(...targetIds: string[]): void {
  const lastFocused = useRef<Element | null>(null);
  const ids = targetIds.join(' ');

  useEffect(() => {
    const onFocusIn = (event: FocusEvent) => {
      lastFocused.current = event.target instanceof Element ? event.target : null;
    };
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('focusin', onFocusIn);
    };
  }, []);

  // A layout effect: focus is back in the same commit that removed its element, before anyone
  // (a screen reader, a keypress, a test) can find it on <body>.
  useLayoutEffect(() => {
    const active = document.activeElement;
    const lost = active === null || active === document.body;
    const last = lastFocused.current;
    if (!lost || last === null || last.isConnected) return;
    lastFocused.current = null;
    for (const id of ids.split(' ')) {
      const target = document.getElementById(id);
      if (target) {
        target.focus({ preventScroll: true });
        return;
      }
    }
  });
}
