import { parseRetryAfter, retryDelay, type ApiError, type Backoff, type Department, type FieldError, type ReportPublication, type Role } from '@cgi/shared';

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  department: Department | null;
}

export interface LoginResponse {
  accessToken: string;
  expiresIn: number;
  /** Present when the API issues refresh tokens (POST /auth/refresh). */
  refreshToken?: string;
  user: SessionUser;
}

/** An error answered by the API in its one error shape (libs/shared errors.ts), or a network failure. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError | null,
    /** The answer's Retry-After, in milliseconds (429, 503), or null. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(body?.error.message ?? (status === 0 ? 'network error' : `HTTP ${status}`));
  }

  get fields(): FieldError[] {
    return this.body?.error.fields ?? [];
  }
}

export type QueryValue = string | number | boolean | string[] | undefined | null;

export function queryString(q: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/**
 * How the client retries a request the API refused for now (503, ADR 0016): `Backoff` of
 * @cgi/shared, for reads and writes carrying an Idempotency-Key only.
 */
export interface RetryPolicy extends Backoff {
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseMs: 500,
  maxMs: 8000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * The REST client of the console: bearer token, JSON, the API's error shape.
 * `getToken` is asked on every request so a refreshed token is used at once; `onUnauthorized`
 * is told when the API refuses the token (the session then refreshes or signs out).
 */
export class ApiClient {
  constructor(
    private readonly base = '/api/v1',
    private getToken: () => string | null = () => null,
    private onUnauthorized: () => Promise<boolean> = async () => false,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  configure(getToken: () => string | null, onUnauthorized: () => Promise<boolean>): void {
    this.getToken = getToken;
    this.onUnauthorized = onUnauthorized;
  }

  get<T>(path: string, query: Record<string, QueryValue> = {}): Promise<T> {
    return this.request<T>('GET', `${path}${queryString(query)}`);
  }

  post<T>(path: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<T> {
    return this.request<T>('POST', path, body, headers);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body, {});
  }

  /** A request; a 503 is retried (see RetryPolicy) when the request is safe to repeat. */
  async request<T>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
    const repeatable = method === 'GET' || Object.keys(extraHeaders).some((h) => h.toLowerCase() === 'idempotency-key');
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(method, path, body, extraHeaders);
      } catch (e) {
        if (!(e instanceof ApiRequestError) || e.status !== 503 || !repeatable || attempt >= this.retry.attempts) throw e;
        await this.retry.sleep(retryDelay(this.retry, attempt, e.retryAfterMs));
      }
    }
  }

  private async once<T>(method: string, path: string, body: unknown, extraHeaders: Record<string, string>, retried = false): Promise<T> {
    const headers: Record<string, string> = { ...extraHeaders, accept: 'application/json' };
    const token = this.getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiRequestError(0, null);
    }
    if (res.status === 401 && token && !retried && (await this.onUnauthorized())) {
      return this.once<T>(method, path, body, extraHeaders, true);
    }
    const text = await res.text();
    const json: unknown = text ? safeJson(text) : null;
    if (!res.ok) throw new ApiRequestError(res.status, isApiError(json) ? json : null, parseRetryAfter(res.headers.get('retry-after')));
    return json as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isApiError(v: unknown): v is ApiError {
  return typeof v === 'object' && v !== null && 'error' in v && typeof (v as ApiError).error?.code === 'string';
}

/** Fetches every page of a cursor-paginated list. */
export async function fetchAllPages<T>(api: ApiClient, path: string, query: Record<string, QueryValue>, max = 20000): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: T[]; nextCursor: string | null } = await api.get(path, { ...query, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

/** The roles the API lets read and set a citizen report's publication (ADR 0020): CGI operators and supervisors. */
export const REPORT_PUBLICATION_ROLES: readonly Role[] = ['CGI_OPERATOR', 'CGI_SUPERVISOR'];

/** Whether Open311 shows the public a citizen report's own words (`GET /occurrences/{id}/publication`). */
export function getReportPublication(api: ApiClient, occurrenceId: string): Promise<ReportPublication> {
  return api.get<ReportPublication>(`/occurrences/${occurrenceId}/publication`);
}

/** Makes a citizen report's description, photo and exact location public on Open311, or withdraws them (audited). */
export function setReportPublication(api: ApiClient, occurrenceId: string, descriptionPublic: boolean): Promise<ReportPublication> {
  return api.post<ReportPublication>(`/occurrences/${occurrenceId}/publication`, { descriptionPublic });
}
