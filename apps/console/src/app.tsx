import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ReferenceProvider, useReference } from './api/reference';
import { FeedBanner } from './common/feed-banner';
import { ToastProvider } from './common/toasts';
import { DepartmentView } from './department/department-view';
import { DEPARTMENT_LABELS } from './i18n/dictionary';
import { I18nProvider, useI18n, type Lang } from './i18n/i18n';
import { LiveProvider, useLive } from './live/live-context';
import type { ConsoleConfig } from './map/console-config';
import { OperatorView } from './operator/operator-view';
import { useSession, type ConsoleView } from './session/session';
import { startOfTodayLisbon } from './videowall/kpis';
import { VideowallView } from './videowall/videowall-view';

/** The console: sign in, then the view the role decides (videowall, operator workstation, department). */
export function App({ config }: { config: ConsoleConfig }): ReactNode {
  const { session, api } = useSession();
  if (!session) {
    return (
      <I18nProvider>
        <LoginPage />
      </I18nProvider>
    );
  }
  return (
    <ReferenceProvider api={api}>
      {(ref) => (
        <I18nProvider categoryNames={ref.categoryNames}>
          <ToastProvider>
            <LiveProvider
              api={api}
              token={() => session.token}
              withDeparted={session.view === 'videowall'}
              sinceMs={session.view === 'videowall' ? startOfTodayLisbon() : undefined}
              key={session.user.id}
            >
              <Shell config={config} view={session.view} />
            </LiveProvider>
          </ToastProvider>
        </I18nProvider>
      )}
    </ReferenceProvider>
  );
}

function Shell({ config, view }: { config: ConsoleConfig; view: ConsoleView }): ReactNode {
  const { session, api, logout } = useSession();
  const { status, onEvent } = useLive();
  const { t, label } = useI18n();
  const user = session!.user;
  return (
    <div className={`shell shell--${view}`} data-view={view} data-feed={status}>
      <LevelsFollower subscribe={onEvent} />
      <FeedBanner status={status} />
      {view !== 'videowall' ? (
        <header className="topbar">
          <span className="topbar__title">{t('appTitle')}</span>
          <span className="topbar__user" data-testid="current-user">
            {user.displayName} · {user.department ? label(DEPARTMENT_LABELS, user.department) : user.role}
          </span>
          <span className={`feed-dot feed-dot--${status}`} aria-label={status} title={status} />
          <LangSwitch />
          <button type="button" className="btn btn--ghost" onClick={logout}>
            {t('logout')}
          </button>
        </header>
      ) : (
        <div className="vw-corner">
          <LangSwitch />
          <button type="button" className="btn btn--ghost" onClick={logout}>
            {t('logout')}
          </button>
        </div>
      )}
      {view === 'videowall' ? <VideowallView config={config} /> : null}
      {view === 'workstation' ? <OperatorView api={api} config={config} role={user.role} /> : null}
      {view === 'department' && user.department ? <DepartmentView api={api} department={user.department} role={user.role} /> : null}
    </div>
  );
}

/** Operational level changes arrive as city-level events: reload the levels then. */
function LevelsFollower({ subscribe }: { subscribe: ReturnType<typeof useLive>['onEvent'] }): ReactNode {
  const { reloadLevels } = useReference();
  useEffect(() => subscribe((e) => (e.event.type.startsWith('OPERATIONAL_LEVEL') ? void reloadLevels() : undefined)), [subscribe, reloadLevels]);
  return null;
}

function LangSwitch(): ReactNode {
  const { lang, setLang, t } = useI18n();
  return (
    <label className="lang">
      <span className="sr-only">{t('language')}</span>
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} aria-label={t('language')}>
        <option value="pt">PT</option>
        <option value="en">EN</option>
      </select>
    </label>
  );
}

export function LoginPage(): ReactNode {
  const { login } = useSession();
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [view, setView] = useState<ConsoleView | 'auto'>(new URLSearchParams(location.search).get('view') === 'videowall' ? 'videowall' : 'auto');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password, view);
    } catch {
      setError(t('loginFailed'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form className="form login__form" onSubmit={(e) => void submit(e)} aria-label={t('login')}>
        <h1>{t('appTitle')}</h1>
        <LangSwitch />
        <label>
          {t('username')}
          <input name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
        </label>
        <label>
          {t('password')}
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <label>
          {t('view')}
          <select name="view" value={view} onChange={(e) => setView(e.target.value as ConsoleView | 'auto')}>
            <option value="auto">{t('viewAuto')}</option>
            <option value="workstation">{t('viewWorkstation')}</option>
            <option value="videowall">{t('viewVideowall')}</option>
          </select>
        </label>
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="btn btn--primary" disabled={busy}>
          {t('login')}
        </button>
      </form>
    </main>
  );
}
