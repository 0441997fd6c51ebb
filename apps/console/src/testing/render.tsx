import type { ReactNode } from 'react';
import { render, type RenderResult } from '@testing-library/react';
import type { ApiClient } from '../api/api-client';
import { ToastProvider } from '../common/toasts';
import { I18nProvider, type Lang } from '../i18n/i18n';
import type { LiveFeedOptions, LiveSocket } from '../live/live-feed';
import { LiveProvider } from '../live/live-context';
import type { OccurrenceStore } from '../live/occurrence-store';
import type { UnitStore } from '../units/unit-store';
import type { AssetStore } from '../assets/asset-store';

/** A socket that never connects (components are tested on the store). */
export const idleSocket: LiveFeedOptions['connect'] = () => ({ on: () => undefined, removeAllListeners: () => undefined, disconnect: () => undefined }) as unknown as LiveSocket;

export function renderWithConsole(ui: ReactNode, { api, store, units, assets, lang = 'pt' }: { api: ApiClient; store: OccurrenceStore; units?: UnitStore; assets?: AssetStore; lang?: Lang }): RenderResult {
  return render(
    <I18nProvider lang={lang} categoryNames={{ FALLEN_TREE: 'Queda de árvore', FLOODING: 'Inundação' }}>
      <ToastProvider>
        <LiveProvider api={api} token={() => 't'} store={store} units={units} assets={assets} connect={idleSocket}>
          {ui}
        </LiveProvider>
      </ToastProvider>
    </I18nProvider>,
  );
}
