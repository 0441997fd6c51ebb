import { randomUUID } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import Redis from 'ioredis';

interface RelayMessage {
  node: string;
  payload: unknown;
}

/**
 * Telemetry to every API node over a Redis pub/sub channel: what one node publishes reaches the
 * others (`onRemote`), never itself (the publisher hands it to its own sockets directly). Lossy
 * by design: while Redis is away the other nodes miss messages, which the next one, or a console's
 * reload, replaces. Used for live unit positions and asset status.
 */
export class NodeRelay<T> {
  private readonly node = randomUUID();
  private sub?: Redis;

  constructor(
    private readonly redisUrl: string,
    private readonly publisher: Redis,
    readonly channel: string,
    private readonly logger: Logger,
    /** Whether a payload from another node has the expected shape (anything else is dropped). */
    private readonly accept: (payload: unknown) => payload is T,
    private readonly onRemote: (payload: T) => void,
  ) {}

  async start(): Promise<void> {
    this.sub = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.sub.on('error', (err: Error) => this.logger.warn(`${this.channel} Redis: ${err.message}`));
    this.sub.on('message', (_channel: string, text: string) => this.onMessage(text));
    await this.sub.subscribe(this.channel);
  }

  async stop(): Promise<void> {
    const sub = this.sub;
    this.sub = undefined;
    await sub?.quit().catch(() => sub.disconnect());
  }

  publish(payload: T): void {
    const message: RelayMessage = { node: this.node, payload };
    this.publisher.publish(this.channel, JSON.stringify(message)).catch((err: Error) => this.logger.warn(`${this.channel} not relayed: ${err.message}`));
  }

  private onMessage(text: string): void {
    let m: RelayMessage;
    try {
      m = JSON.parse(text) as RelayMessage;
    } catch {
      return;
    }
    if (m?.node === this.node || !this.accept(m?.payload)) return;
    this.onRemote(m.payload);
  }
}
