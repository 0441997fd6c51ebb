import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import type { FeedStatus } from '../live/live-feed';

/** Visible while the live feed is down or catching up. */
export function FeedBanner({ status }: { status: FeedStatus }): ReactNode {
  const { t } = useI18n();
  if (status === 'live' || status === 'connecting') return null;
  return (
    <div className={`feed-banner feed-banner--${status}`} role="alert" data-testid="feed-banner">
      {status === 'down' ? `⚠ ${t('feedDown')}` : t('feedCatchingUp')}
    </div>
  );
}
