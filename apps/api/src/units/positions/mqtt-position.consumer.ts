import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { connect, type MqttClient } from 'mqtt';
import { checkPosition, type PositionLimits } from '@cgi/domain';
import { UNIT_CODE_PATTERN } from '@cgi/shared';
import { Env } from '../../config/env';
import { positionLimits } from './position-limits';
import { PositionWriter } from './position-writer.service';
import { UnitCodeDirectory } from './unit-code.directory';
import { UnitPositionMetrics, type PositionDropReason } from './unit-position.metrics';

/** Every API node joins the one share group (MQTT_SHARE_GROUP): the broker hands each message to one of them. */
export const positionSubscription = (group: string): string => `$share/${group}/cgi/units/+/position`;
const TOPIC = /^cgi\/units\/([^/]+)\/position$/;
const MAX_PAYLOAD_BYTES = 4096;

/** off: MQTT_URL unset; up: connected and subscribed; down: (re)connecting. */
export type MqttState = 'off' | 'up' | 'down';

/**
 * The MQTT side of AVL: subscribes `$share/cgi-api/cgi/units/+/position` at QoS 1 and hands each
 * message to the same writer as the HTTP batches. A message is `{lat, lon, at, speedKmh?,
 * headingDeg?}`, its topic names the unit by code. Anything wrong with a message (not JSON, a bad
 * field, an unknown unit, a topic that is not a unit's) drops that message, counted in
 * cgi_unit_positions_dropped_total{reason}; nothing stops the consumer. Messages are acknowledged
 * as they arrive (telemetry: waiting for each write would serialise the stream). While one node is
 * away the broker gives the group's messages to the others; published while no node is
 * subscribed, they are lost (the unit's next fix, seconds later, replaces them).
 */
@Injectable()
export class MqttPositionConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MqttPositions');
  private client?: MqttClient;
  private subscribed = false;
  private readonly limits: PositionLimits;

  constructor(
    private readonly env: Env,
    private readonly http: HttpAdapterHost,
    private readonly writer: PositionWriter,
    private readonly directory: UnitCodeDirectory,
    private readonly metrics: UnitPositionMetrics,
  ) {
    this.limits = positionLimits(env);
  }

  get state(): MqttState {
    if (!this.env.MQTT_URL || !this.http.httpAdapter) return 'off';
    return this.client?.connected && this.subscribed ? 'up' : 'down';
  }

  onApplicationBootstrap(): void {
    // No consumer without a broker, nor in an application context (the demo seed, scripts).
    if (!this.env.MQTT_URL || !this.http.httpAdapter) return;
    const client = connect(this.env.MQTT_URL, {
      username: this.env.MQTT_USERNAME,
      password: this.env.MQTT_PASSWORD,
      clientId: `cgi-api-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
      protocolVersion: 5,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      // Subscribed again after each reconnect (a clean session forgets its subscriptions).
      resubscribe: false,
    });
    this.client = client;
    const subscription = positionSubscription(this.env.MQTT_SHARE_GROUP);
    client.on('connect', () => {
      this.subscribed = false;
      client.subscribe(subscription, { qos: 1 }, (err, granted) => {
        const refused = granted?.find((g) => g.qos > 2);
        if (err || refused) {
          this.logger.error(`MQTT subscription ${subscription} refused: ${err?.message ?? `reason ${refused?.qos}`}`);
          return;
        }
        this.subscribed = true;
        this.logger.log(`MQTT: subscribed to ${subscription}`);
      });
    });
    client.on('close', () => {
      this.subscribed = false;
    });
    client.on('error', (err) => this.logger.warn(`MQTT: ${err.message}`));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  async onModuleDestroy(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await c.endAsync().catch(() => c.end(true));
  }

  /** Never throws: whatever the message, the consumer goes on. */
  onMessage(topic: string, payload: Buffer): void {
    try {
      const code = TOPIC.exec(topic)?.[1];
      if (!code || !UNIT_CODE_PATTERN.test(code)) return this.drop('bad_topic');
      if (payload.length > MAX_PAYLOAD_BYTES) return this.drop('malformed');
      let raw: unknown;
      try {
        raw = JSON.parse(payload.toString('utf8'));
      } catch {
        return this.drop('malformed');
      }
      const checked = checkPosition(raw, this.limits, new Date());
      if (!checked.ok) return this.drop('invalid');
      void this.directory
        .resolve([code])
        .then(([unit]) => {
          if (!unit) return this.drop('unknown_unit');
          return this.writer.write({ transport: 'mqtt', fixes: [{ unitId: unit.id, ...checked.position }] }).then(() => undefined);
        })
        .catch((err: Error) => {
          this.logger.warn(`MQTT position not stored: ${err.message}`);
          this.drop('write_failed');
        });
    } catch (err) {
      this.logger.warn(`MQTT message dropped: ${(err as Error).message}`);
      this.drop('malformed');
    }
  }

  private drop(reason: PositionDropReason): void {
    this.metrics.dropped.inc({ reason });
  }
}
