/**
 * Loading Connect.js. With real Stripe, `loadConnectAndInitialize` from the `pure` entry point
 * loads Stripe's own script when first called. In emulator mode the BFF's config names the
 * emulator's stand-in: it is loaded first, so the loader finds `window.StripeConnect` and uses it.
 * The default `@stripe/connect-js` entry point is never imported: it injects Stripe's script as
 * soon as it is imported.
 */
import { loadConnectAndInitialize, type StripeConnectInstance } from '@stripe/connect-js/pure';

const scripts = new Map<string, Promise<void>>();

/** Add `<script src=url>` once and wait for it to load. */
export function loadScript(url: string): Promise<void> {
  let loading = scripts.get(url);
  if (!loading) {
    loading = new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      script.async = true;
      script.onload = () => {
        resolve();
      };
      script.onerror = () => {
        scripts.delete(url);
        script.remove();
        reject(new Error("Stripe's onboarding form could not be loaded. Check your connection and try again."));
      };
      document.head.appendChild(script);
    });
    scripts.set(url, loading);
  }
  return loading;
}

/** Colours and type from the app's stylesheet, so the components look like the rest of the page. */
const APPEARANCE = {
  variables: {
    colorPrimary: '#3b46c4',
    colorBackground: '#ffffff',
    colorText: '#1c2230',
    colorDanger: '#b42318',
    fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
    borderRadius: '8px',
  },
};

export interface ConnectOptions {
  publishableKey: string;
  /** The emulator's stand-in, or null for Stripe's own Connect.js. */
  connectJsUrl: string | null;
  /** Asks the BFF for a fresh Account Session; the secret goes to Connect.js and nowhere else. */
  fetchClientSecret: () => Promise<string>;
}

export async function startConnect({ publishableKey, connectJsUrl, fetchClientSecret }: ConnectOptions): Promise<StripeConnectInstance> {
  if (connectJsUrl) await loadScript(connectJsUrl);
  return loadConnectAndInitialize({ publishableKey, fetchClientSecret, appearance: APPEARANCE });
}
