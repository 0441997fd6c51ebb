import { AsyncLocalStorage } from 'node:async_hooks';

/** What the security audit log records about the request a change came from. */
export interface RequestContext {
  ip: string | null;
  correlationId: string | null;
  /** `performance.now()` when the request arrived (its onRequest hook), or null outside a request. */
  receivedAt: number | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` (the rest of the request) with its context; set once per request by app.factory. */
export function runWithRequestContext(ctx: RequestContext, fn: () => void): void {
  storage.run(ctx, fn);
}

/** The current request's context, or nulls outside a request (jobs, scripts). */
export function requestContext(): RequestContext {
  return storage.getStore() ?? { ip: null, correlationId: null, receivedAt: null };
}
