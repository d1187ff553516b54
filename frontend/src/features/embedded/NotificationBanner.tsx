import { ConnectComponentsProvider, ConnectNotificationBanner } from '@stripe/react-connect-js';
import { useCallback, useMemo, useState } from 'react';
import { useEmbedded } from './EmbeddedProvider';

/**
 * Stripe's notification banner (tasks and risk interventions), at the top of every signed-in
 * page of an embedded merchant. Nothing at all when Connect cannot load (hosted surface, not
 * configured, a failed load) or when Stripe has nothing to say.
 */
export function NotificationBanner() {
  const embedded = useEmbedded();
  const [total, setTotal] = useState<number | null>(null);
  const [broken, setBroken] = useState(false);
  const fields = embedded.phase === 'ready' ? embedded.components.notification_banner.collection_options.fields : null;
  const future = embedded.phase === 'ready' ? embedded.components.notification_banner.collection_options.future_requirements : null;
  const collectionOptions = useMemo(() => (fields ? { fields, futureRequirements: future ?? 'omit' } : undefined), [fields, future]);
  const onNotificationsChange = useCallback(({ total: count }: { total: number }) => {
    setTotal(count);
  }, []);
  const onLoadError = useCallback(() => {
    setBroken(true);
  }, []);

  if (embedded.phase !== 'ready' || broken) return null;
  return (
    <div className="connect-banner" hidden={!total} data-testid="notification-banner">
      <ConnectComponentsProvider connectInstance={embedded.instance}>
        <ConnectNotificationBanner
          collectionOptions={collectionOptions}
          onNotificationsChange={onNotificationsChange}
          onLoadError={onLoadError}
        />
      </ConnectComponentsProvider>
    </div>
  );
}
