import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiClient, type LoginResponse, type SessionUser } from '../api/api-client';

export type ConsoleView = 'videowall' | 'workstation' | 'department';

export interface Session {
  user: SessionUser;
  token: string;
  view: ConsoleView;
}

interface SessionContextValue {
  session: Session | null;
  api: ApiClient;
  login: (username: string, password: string, view: ConsoleView | 'auto') => Promise<void>;
  logout: () => void;
}

const SessionContext = createContext<SessionContextValue | null>(null);
const STORAGE_KEY = 'cgi.session';

/** The view a role gets (the role chosen at login decides the view; CGI roles may pick the videowall). */
export function viewFor(user: SessionUser, requested: ConsoleView | 'auto'): ConsoleView {
  if (user.role === 'DEPARTMENT_AGENT' || user.role === 'DEPARTMENT_SUPERVISOR') return 'department';
  if (user.role === 'VIEWER') return 'videowall';
  if (requested === 'videowall') return 'videowall';
  return 'workstation';
}

interface Stored {
  session: Session;
  refreshToken?: string;
  expiresAt: number;
}

function load(): Stored | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    const s = raw ? (JSON.parse(raw) as Stored) : null;
    return s && s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
}

/**
 * Holds the signed-in user and keeps the access token fresh: POST /auth/refresh when the API gave a
 * refresh token, otherwise a silent re-login with the credentials kept in memory only (never stored).
 */
export function SessionProvider({ children, api: given }: { children: ReactNode; api?: ApiClient }): ReactNode {
  const api = useMemo(() => given ?? new ApiClient(), [given]);
  const [stored, setStored] = useState<Stored | null>(() => load());
  const storedRef = useRef(stored);
  const credentials = useRef<{ username: string; password: string } | null>(null);
  storedRef.current = stored;

  const save = useCallback((s: Stored | null) => {
    storedRef.current = s;
    if (s) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(s));
    else sessionStorage.removeItem(STORAGE_KEY);
    setStored(s);
  }, []);

  const accept = useCallback(
    (r: LoginResponse, view: ConsoleView) => {
      save({ session: { user: r.user, token: r.accessToken, view }, refreshToken: r.refreshToken, expiresAt: Date.now() + r.expiresIn * 1000 });
    },
    [save],
  );

  const renew = useCallback(async (): Promise<boolean> => {
    const cur = storedRef.current;
    if (!cur) return false;
    try {
      if (cur.refreshToken) {
        const r = await new ApiClient().post<LoginResponse>('/auth/refresh', { refreshToken: cur.refreshToken });
        accept({ ...r, user: r.user ?? cur.session.user }, cur.session.view);
        return true;
      }
      if (credentials.current) {
        accept(await new ApiClient().post<LoginResponse>('/auth/login', credentials.current), cur.session.view);
        return true;
      }
    } catch {
      /* fall through: sign out */
    }
    save(null);
    return false;
  }, [accept, save]);

  // Configured during render (not in an effect) so children's first requests already carry the token.
  api.configure(() => storedRef.current?.session.token ?? null, renew);

  // Renew at 80% of the token's life.
  useEffect(() => {
    if (!stored) return;
    const ms = Math.max(5000, (stored.expiresAt - Date.now()) * 0.8);
    const timer = setTimeout(() => void renew(), ms);
    return () => clearTimeout(timer);
  }, [stored, renew]);

  const login = useCallback(
    async (username: string, password: string, view: ConsoleView | 'auto') => {
      const r = await new ApiClient().post<LoginResponse>('/auth/login', { username, password });
      credentials.current = r.refreshToken ? null : { username, password };
      accept(r, viewFor(r.user, view));
    },
    [accept],
  );

  const logout = useCallback(() => {
    const refreshToken = storedRef.current?.refreshToken;
    if (refreshToken) void new ApiClient().post('/auth/logout', { refreshToken }).catch(() => undefined);
    credentials.current = null;
    save(null);
  }, [save]);

  const value = useMemo(() => ({ session: stored?.session ?? null, api, login, logout }), [stored, api, login, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
