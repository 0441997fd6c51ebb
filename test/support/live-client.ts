import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, type LiveClientEvents, type LiveServerEvents } from '@cgi/shared';

export type LiveSocket = Socket<LiveServerEvents, LiveClientEvents>;

/**
 * A console's live-feed socket (`/live`, websocket, no reconnection), answered once the server's
 * first heartbeat says its session is live. `listen` attaches the test's listeners before
 * anything can arrive.
 */
export async function openLiveSocket(url: string, token: string, listen: (socket: LiveSocket) => void = () => undefined): Promise<LiveSocket> {
  const socket: LiveSocket = io(`${url}${LIVE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  listen(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  await new Promise<void>((resolve) => socket.once('feed:heartbeat', () => resolve()));
  return socket;
}

/** Waits (polling, at most 15 s) until `check()` holds, else fails naming `what`. */
export async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}
